#![recursion_limit = "512"]
//! The browser entry point: hydrates the islands (`#[island]` components in `app`) of the
//! server-rendered page. Everything else on the page is plain server-rendered HTML.

// Links the app crate, whose islands are the bundle's exports.
extern crate app;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

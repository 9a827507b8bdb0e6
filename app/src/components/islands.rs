//! The interactive parts of the pages: the only components compiled into the browser bundle.
//!
//! Relink runs in Leptos' islands mode. Every page is complete server-rendered HTML whose forms
//! post without JavaScript, and nhsuk-frontend's own script adds the design system's
//! enhancements, so the wasm bundle carries only these islands rather than every page's view
//! code (issue #8: 381 KB of brotli-compressed wasm before, see docs/PERFORMANCE.md).

use leptos::prelude::*;

/// Present on every page (in the layout). Once the browser has hydrated the page's islands it
/// sets `data-hydrated="true"` on `<html>`: the end-to-end tests and the slow-phone benchmark
/// read it to prove the wasm bundle loaded and ran, and a script that wants to act after
/// hydration can wait for it.
#[island]
pub fn HydrationMarker() -> impl IntoView {
    // In the browser only: the server renders the island too, and has no document to mark.
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}

/// The print button of the printed PIN document: it needs JavaScript (`window.print()`), so it
/// stays hidden until its island has hydrated; without JavaScript the page tells staff to use
/// the browser's print option. No `data-module`: nhsuk-frontend must not touch island markup
/// before hydration (see public/assets/js/init.js).
/// The label comes as children, rendered on the server in the page's language: islands have no
/// locale of their own, and children (unlike props) need no deserialising in the browser.
#[island]
pub fn PrintButton(children: Children) -> impl IntoView {
    let (can_print, set_can_print) = signal(false);
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| set_can_print.set(true));
    #[cfg(not(target_arch = "wasm32"))]
    let _ = set_can_print;
    view! {
        <button
            class="nhsuk-button"
            type="button"
            hidden=move || !can_print.get()
            on:click=move |_| {
                #[cfg(target_arch = "wasm32")]
                let _ = window().print();
            }
        >
            {children()}
        </button>
    }
}

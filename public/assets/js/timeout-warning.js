// The warning before a session ends unused or a journey step runs out (WCAG 2.2.1 Timing
// Adjustable), after the pattern GOV.UK and HMRC services use (no NHS component exists yet).
// The server renders the dialog closed, in the page's language (app/src/components/layout.rs,
// `TimeoutWarning`); this script opens it `warningSeconds` before the time runs out, counts
// down, and:
//
// - **Stay signed in** / **I need more time** (or Escape) posts to the dialog's keep-alive
//   endpoint, which marks the session used or extends the step on the server, and closes the
//   dialog, giving focus back where it was;
// - **Sign out** / **Start again** is the dialog's own form (a session's sign-out, a step's
//   first page);
// - when time runs out, a session's form is sent to `?timed_out=1` and the sign-in page says
//   why; a step's page is loaded again, and says the step ended.
//
// Tabs share one session or step, so they share its deadline: every page and every extension
// writes the deadline to localStorage, and the other tabs move theirs on (one tab extending
// extends all); signing out in one tab (or its time running out) takes the others to the
// sign-in page, which says why. The countdown's screen-reader announcements come once a
// minute, then at 30 and 10 seconds, not every second.
//
// Plain JavaScript like nhsuk-frontend's enhancements rather than a wasm island: it must run
// on every page of a session from the start, it touches nothing but the DOM (a dialog, timers,
// storage), and as an island it would add web-sys bindings to the bundle every patient loads.

const TICK_MS = 1000;

/** Starts the warning on a page that has one (pages outside a session have none). */
export function startTimeoutWarning(root = document) {
  const dialog = root.querySelector("dialog[data-relink-timeout]");
  if (!dialog || typeof dialog.showModal !== "function") return null;
  const warning = new TimeoutWarning(dialog);
  warning.start();
  return warning;
}

class TimeoutWarning {
  constructor(dialog) {
    const data = dialog.dataset;
    this.dialog = dialog;
    this.isSession = data.ends === "session";
    this.extendMs = Number(data.extendSeconds) * 1000;
    this.warningMs = Number(data.warningSeconds) * 1000;
    this.keepAlive = data.keepAlive;
    this.timedOut = data.timedOut;
    this.countdown = dialog.querySelector("[data-relink-countdown]");
    this.text = dialog.querySelector("#relink-timeout-text");
    this.announcer = dialog.querySelector("[data-relink-announce]");
    this.form = dialog.querySelector("form[data-relink-sign-out]");
    this.stayButton = dialog.querySelector("[data-relink-stay]");
    this.plurals = new Intl.PluralRules(document.documentElement.lang || "en-GB");
    this.deadlineKey = `relink-deadline:${data.relinkTimeout}`;
    this.endedKey = `relink-session-ended:${data.relinkTimeout}`;
    // As the server answered for this page: a session's whole idle time (the page used it),
    // what is left of a step.
    this.deadline = Date.now() + Number(data.secondsLeft) * 1000;
    this.returnFocusTo = null;
    this.announced = null;
    this.staying = false;
    this.ending = false;
    this.noMoreTime = false;
  }

  start() {
    this.shareDeadline();
    this.stayButton.addEventListener("click", () => this.stay());
    // Escape keeps the user signed in, as in HMRC's dialog: closing it is not signing out.
    this.dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.stay();
    });
    this.dialog.addEventListener("keydown", (event) => this.keepFocusInside(event));
    window.addEventListener("storage", (event) => this.heard(event));
    document.addEventListener("visibilitychange", () => this.tick());
    this.timer = window.setInterval(() => this.tick(), TICK_MS);
    this.tick();
  }

  tick() {
    if (this.ending) return;
    // Another tab may have used the session, or extended the step, since this one last heard.
    const shared = Number(read(this.deadlineKey));
    if (shared > this.deadline) this.deadline = shared;
    const left = this.deadline - Date.now();
    if (left <= 0) {
      this.end();
    } else if (left <= this.warningMs && !this.noMoreTime) {
      this.show(Math.ceil(left / 1000));
    } else if (this.dialog.open) {
      this.hide();
    }
  }

  show(seconds) {
    const words = this.words(seconds);
    if (this.countdown.textContent !== words) this.countdown.textContent = words;
    const moment = announcementMoment(seconds);
    if (!this.dialog.open) {
      this.returnFocusTo = document.activeElement;
      // Opening the dialog reads its heading and text: no announcement on top.
      this.announced = moment;
      this.announcer.textContent = "";
      this.dialog.showModal();
    } else if (moment !== this.announced) {
      this.announced = moment;
      this.announcer.textContent = this.text.textContent.trim();
    }
  }

  hide() {
    this.dialog.close();
    this.announcer.textContent = "";
    const back = this.returnFocusTo;
    this.returnFocusTo = null;
    if (back && back !== document.body && document.contains(back)) back.focus();
  }

  async stay() {
    if (this.staying || this.ending) return;
    this.staying = true;
    try {
      const response = await fetch(this.keepAlive, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
        redirect: "manual",
      });
      if (response.ok) {
        // A step answers with the seconds it now has; a session has its whole idle time again.
        const seconds = response.status === 200 ? Number(await response.text()) : NaN;
        const left = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.extendMs;
        this.deadline = Date.now() + left;
        this.shareDeadline();
        this.hide();
      } else if (response.status === 409) {
        // A step that has had all the time it can: it ends when it would, without asking again.
        this.noMoreTime = true;
        this.hide();
      } else if (response.status !== 429) {
        // The session or step has already ended (elsewhere, or the time ran out): the page
        // that says so.
        this.end();
      }
    } catch {
      // No connection: the dialog stays open, and pressing again tries again.
    } finally {
      this.staying = false;
    }
  }

  end() {
    if (this.ending) return;
    this.ending = true;
    window.clearInterval(this.timer);
    if (this.isSession) {
      this.form.setAttribute("action", this.timedOut);
      this.form.submit();
    } else {
      window.location.assign(this.timedOut);
    }
  }

  /** Tells the other tabs this tab's deadline, unless one of them already has a later one. */
  shareDeadline() {
    const shared = Number(read(this.deadlineKey));
    if (!(shared > this.deadline)) share(this.deadlineKey, this.deadline);
  }

  heard(event) {
    if (this.ending || !event.newValue) return;
    if (event.key === this.deadlineKey) {
      this.tick();
    } else if (event.key === this.endedKey) {
      // Signed out in another tab (which has reached the sign-in page): this one says so too.
      this.ending = true;
      window.clearInterval(this.timer);
      const reason = event.newValue.split(" ")[1] === "timeout" ? "timeout" : "1";
      window.location.assign(`${this.dialog.dataset.signInPage}?signed_out=${reason}`);
    }
  }

  /** "2 minutes", "1 minute", "30 seconds" (or their Welsh) for the time left. */
  words(seconds) {
    const [unit, n] = seconds >= 60 ? ["minutes", Math.ceil(seconds / 60)] : ["seconds", seconds];
    const category = this.plurals.select(n);
    const key = unit + category[0].toUpperCase() + category.slice(1);
    const form = this.dialog.dataset[key] ?? this.dialog.dataset[`${unit}Other`];
    return form.replace("%n", String(n));
  }

  /** Tab and Shift+Tab go round the dialog's own controls. */
  keepFocusInside(event) {
    if (event.key !== "Tab") return;
    const controls = [...this.dialog.querySelectorAll("button:not([disabled]), a[href]")];
    if (controls.length === 0) return;
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }
}

/** When the countdown is worth saying again: each whole minute, then at 30 and 10 seconds. */
function announcementMoment(seconds) {
  if (seconds >= 60) return `minutes-${Math.ceil(seconds / 60)}`;
  if (seconds > 30) return "minutes-1";
  if (seconds > 10) return "seconds-30";
  return "seconds-10";
}

/**
 * On a sign-in page reached by signing out (`?signed_out=`), tells the session's other tabs,
 * which go to their sign-in page too. Told from here, after the server has ended the session,
 * so no tab can load a page of the session in between.
 */
export function shareSignOut(location = window.location) {
  const reason = new URLSearchParams(location.search).get("signed_out");
  if (reason === null) return;
  const session = location.pathname.startsWith("/staff/") ? "staff" : "patient";
  share(`relink-session-ended:${session}`, `${Date.now()} ${reason}`);
}

function share(key, value) {
  try {
    window.localStorage.setItem(key, String(value));
  } catch {
    // Storage switched off: each tab keeps its own clock.
  }
}

function read(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

// The lab page's live layer. Without it the page is a plain status page whose
// buttons are forms. With it the buttons call the API just as curl does
// (GET /rng, POST /reset) and the page reads /page/state once a second, which
// is neither a call of /rng nor a health probe. Polling is simpler than
// server-sent events and once a second is plenty for probes 5 s apart.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $("status");
  const statusText = $("status-text");
  const statusDetail = $("status-detail");
  const calls = $("calls");
  const result = $("result");
  const live = $("live");
  const rows = $("probes");

  // Rows already on the page are not news; rows that arrive later are
  // highlighted for a moment so the eye catches them.
  const seen = new Set(Array.from(rows.querySelectorAll("tr[data-key]"), (tr) => tr.dataset.key));
  let shownProbes = null;

  // Only real changes: the state line is a live region, and rewriting it
  // every second would have a screen reader repeat it every second.
  const setText = (element, text) => {
    if (element.textContent !== text) element.textContent = text;
  };

  const show = (text, kind) => {
    result.textContent = text;
    result.className = "result " + kind;
  };

  const cell = (...children) => {
    const td = document.createElement("td");
    td.append(...children);
    return td;
  };

  const span = (className, text) => {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  };

  // The same markup as probe_rows() in page.rs; textContent, never innerHTML,
  // so nothing a prober sends can become markup.
  const row = (probe) => {
    const key = probe.at + " " + probe.path + " " + probe.prober;
    const tr = document.createElement("tr");
    tr.dataset.key = key;
    tr.dataset.prober = probe.prober;
    if (!seen.has(key)) {
      seen.add(key);
      tr.className = "new";
    }
    const time = document.createElement("time");
    time.dateTime = probe.at;
    time.textContent = probe.time;
    const path = document.createElement("code");
    path.textContent = probe.path;
    tr.append(
      cell(time),
      cell(path),
      cell(span("badge " + probe.outcome, probe.result)),
      cell(span("who", probe.who), " ", span("hint", probe.hint)),
    );
    return tr;
  };

  const render = (state) => {
    status.className = "status " + (state.healthy ? "healthy" : "unhealthy");
    setText(statusText, state.statusText);
    setText(statusDetail, state.statusDetail);
    setText(calls, state.callsText);
    const probes = JSON.stringify(state.probes);
    if (state.probes.length > 0 && probes !== shownProbes) {
      shownProbes = probes;
      rows.replaceChildren(...state.probes.map(row));
    }
  };

  const refresh = async () => {
    try {
      const response = await fetch("/page/state", { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      render(await response.json());
      setText(live, "Live: updated every second.");
      live.className = "live on";
    } catch (error) {
      setText(live, "Cannot reach the service; trying again every second.");
      live.className = "live off";
    }
  };

  const failure = (code, body) => {
    let traceId = "";
    try {
      traceId = JSON.parse(body).traceId || "";
    } catch (error) {
      // Not problem+json: the status says enough.
    }
    return "The call failed: HTTP " + code + (traceId ? ", traceId " + traceId : "");
  };

  // A result in the address bar (from a form without JavaScript) would come
  // back on reload, out of date.
  const forgetQuery = () => {
    if (location.search) history.replaceState(null, "", "/");
  };

  $("rng-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    forgetQuery();
    show("Calling /rng\u2026", "pending");
    try {
      const response = await fetch("/rng", { cache: "no-store" });
      const body = await response.text();
      if (response.ok) show("Here it is: " + body, "ok");
      else show(failure(response.status, body), "fail");
    } catch (error) {
      show("The call failed: the service did not answer.", "fail");
    }
    await refresh();
  });

  // With --control false the page has no reset form: nothing to wire.
  $("reset-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    forgetQuery();
    show("Resetting\u2026", "pending");
    try {
      const response = await fetch("/reset", { method: "POST" });
      if (response.ok) show($("reset-button").dataset.done, "info");
      else show("Reset failed: HTTP " + response.status, "fail");
    } catch (error) {
      show("Reset failed: the service did not answer.", "fail");
    }
    await refresh();
  });

  // A hidden tab has nobody to show the probes to.
  const loop = async () => {
    if (!document.hidden) await refresh();
    setTimeout(loop, 1000);
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  document.documentElement.classList.add("js");
  loop();
})();

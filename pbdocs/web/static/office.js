"use strict";
// The office workspace's page: batches kept on the server, each row reviewable. Loaded after
// app.js, whose helpers (el, label, labels, say, chosen, showChosen, errorMessage) it uses; app.js
// sends the upload form here (submitBatch) instead of to /api/check.

// Batch statuses and audit actions are labelled from /api/config like verdicts, so the page and
// `pbdocs audit` say the same thing.
const groupLabel = (group, id) => (labels[group] || {})[id] || id;
const REVIEW_VERDICTS = ["compliant", "partial", "missing", "contradicted", "not_applicable", "error"];
// How often a batch still being checked is asked for again.
const REFRESH_MS = 2000;
let currentBatch = null;
let refreshTimer = null;

const when = (stamp) => (stamp ? new Date(stamp).toLocaleString("zh-CN", { hour12: false }) : "");

function countsText(counts) {
  const parts = REVIEW_VERDICTS.filter((v) => counts[v]).map((v) => `${label("verdicts", v)} ${counts[v]}`);
  if (counts.pending) parts.push(say("office_pending_count", { count: counts.pending }));
  return parts.join(" · ");
}

async function api(path, options) {
  const response = await fetch(path, options);
  if (response.status === 401) {
    window.location.replace("/");
    throw new Error(say("office_expired"));
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.status === 204 ? null : response.json();
}

async function submitBatch(event) {
  event.preventDefault();
  if (!chosen.length) return;
  const status = document.getElementById("check-status");
  const button = document.getElementById("check-button");
  const form = new FormData();
  form.append("name", document.getElementById("batch-name").value);
  for (const file of chosen) form.append("files", file, file.name);
  button.disabled = true;
  status.className = "status";
  status.textContent = say("office_uploading", { count: chosen.length });
  try {
    const batch = await api("/api/batches", { method: "POST", body: form });
    status.textContent = say("office_created", { name: batch.name, total: batch.counts.total });
    chosen = [];
    showChosen();
    document.getElementById("batch-name").value = "";
    await loadBatches();
    await showBatch(batch.id);
  } catch (error) {
    status.className = "status error";
    status.textContent = error.message;
  } finally {
    button.disabled = !chosen.length;
  }
}

async function loadBatches() {
  const batches = await api("/api/batches");
  const body = document.querySelector("#batch-list tbody");
  body.replaceChildren(...batches.map((batch) => {
    const open = el("button", { type: "button", class: "secondary" }, say("office_open"));
    open.addEventListener("click", () => showBatch(batch.id));
    return el("tr", { "data-id": batch.id, class: batch.id === currentBatch ? "current" : "" },
      el("td", {}, batch.name), el("td", {}, batch.owner), el("td", {}, when(batch.created)),
      el("td", {}, batch.counts.total), el("td", {}, countsText(batch.counts)),
      el("td", { class: "batch-status", "data-status": batch.status }, groupLabel("batch_statuses", batch.status)),
      el("td", {}, open));
  }));
  document.getElementById("batch-list-empty").hidden = batches.length > 0;
}

function reviewCells(batchId, row) {
  const select = el("select", { "aria-label": say("office_review_of", { row: row.row }) },
    el("option", { value: "" }, say("office_not_reviewed")),
    ...REVIEW_VERDICTS.map((v) => el("option", { value: v }, label("verdicts", v))));
  const note = el("input", { type: "text", maxlength: "2000", placeholder: say("office_note"), "aria-label": say("office_note") });
  const save = el("button", { type: "button", class: "secondary" }, say("office_save"));
  const saved = el("span", { class: "status review-status", role: "status" });
  if (row.review) {
    select.value = row.review.verdict;
    note.value = row.review.note;
    saved.textContent = say("office_reviewed_by", { reviewer: row.review.reviewer });
  }
  save.disabled = row.pending;
  save.addEventListener("click", async () => {
    if (!select.value) { saved.textContent = say("office_choose_verdict"); return; }
    try {
      const review = await api(`/api/batches/${batchId}/rows/${row.row}/review`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ verdict: select.value, note: note.value }),
      });
      saved.className = "status review-status reviewed";
      saved.textContent = say("office_saved", { reviewer: review.reviewer });
    } catch (error) {
      saved.className = "status review-status error";
      saved.textContent = error.message;
    }
  });
  return [el("td", {}, select), el("td", {}, note), el("td", {}, save, saved)];
}

function batchRow(batchId, row) {
  const verdict = row.pending
    ? el("span", { class: "verdict verdict-pending", "data-verdict": "" }, say("office_pending"))
    : verdictBadge(row);
  const { required, optional } = shortElements(row);
  const details = el("button", { type: "button", class: "secondary small" }, say("row_details"));
  details.disabled = row.pending;
  details.addEventListener("click", () => openRow(batchId, row.row));
  return el("tr", { class: "batch-row", "data-row": row.row, "data-path": row.path },
    el("td", {}, row.row), el("td", { class: "path" }, row.path), el("td", {}, row.name || ""),
    el("td", {}, verdict, row.error ? el("div", { class: "err" }, row.error_text || row.error) : null),
    el("td", {},
      required.length ? el("div", { class: "missing-list" }, required.join(say("list_separator"))) : null,
      optional.length ? el("div", { class: "optional-list" }, say("row_optional_missing",
        { elements: optional.join(say("list_separator")) })) : null),
    ...reviewCells(batchId, row), el("td", {}, details));
}

async function showBatch(batchId) {
  clearTimeout(refreshTimer);
  currentBatch = batchId;
  const view = document.getElementById("batch-view");
  let batch;
  try {
    batch = await api(`/api/batches/${batchId}`);
  } catch (error) {
    view.hidden = true;
    document.getElementById("check-status").textContent = error.message;
    return;
  }
  view.hidden = false;
  view.dataset.id = batch.id;
  view.dataset.status = batch.status;
  document.getElementById("batch-title").textContent = say("office_batch", { name: batch.name });
  document.getElementById("batch-summary").textContent =
    say("office_summary", { status: groupLabel("batch_statuses", batch.status), total: batch.counts.total,
      counts: countsText(batch.counts) });
  for (const fmt of ["xlsx", "html", "csv"]) {
    document.getElementById(`batch-${fmt}`).href = `/api/batches/${batch.id}/report.${fmt}`;
  }
  document.getElementById("batch-opinions").href = `/api/batches/${batch.id}/opinions.zip`;
  document.getElementById("batch-amended").href = `/api/batches/${batch.id}/amended.zip`;
  document.querySelector("#batch-rows tbody").replaceChildren(...batch.rows.map((row) => batchRow(batch.id, row)));
  for (const line of document.querySelectorAll("#batch-list tbody tr")) {
    line.classList.toggle("current", line.dataset.id === batch.id);
  }
  if (batch.status !== "done") {
    refreshTimer = setTimeout(() => { loadBatches(); showBatch(batch.id); }, REFRESH_MS);
  } else {
    loadBatches();
  }
}

async function deleteBatch() {
  if (!currentBatch || !window.confirm(say("office_confirm_delete"))) return;
  await api(`/api/batches/${currentBatch}`, { method: "DELETE" });
  currentBatch = null;
  document.getElementById("batch-view").hidden = true;
  loadBatches();
}

// A name or file name in the audit trail is shown with its control characters (line breaks, tabs,
// direction overrides) as visible escapes, as `pbdocs audit` prints them: no entry can pose as two.
function escapeControls(text) {
  return String(text ?? "").replace(/\\/g, "\\\\").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const code = c.codePointAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

async function loadAudit() {
  const entries = await api("/api/audit");
  document.querySelector("#audit-table tbody").replaceChildren(...entries.reverse().slice(0, 200).map((entry) =>
    el("tr", {}, el("td", { class: "nowrap" }, when(entry.at)),
      el("td", {}, escapeControls(entry.text
        || `${entry.user || say("office_system")} ${groupLabel("audit_actions", entry.action)}`)),
      el("td", { class: "nowrap" }, escapeControls(entry.address)))));
  document.getElementById("audit-section").hidden = false;
}

async function loadAccount() {
  const me = await api("/api/me");
  document.getElementById("user-name").textContent = me.name;
  document.getElementById("user-role").textContent = me.admin ? say("office_admin") : "";
  if (me.admin) loadAudit();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("logout-button").addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    window.location.replace("/");
  });
  document.getElementById("batch-delete").addEventListener("click", deleteBatch);
  configLoaded.then(() => { loadAccount(); loadBatches(); });
});

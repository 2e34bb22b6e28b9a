"use strict";
// The office workspace's page: batches kept on the server, each row reviewable. Loaded after
// app.js, whose helpers (el, label, labels, chosen, showChosen, errorMessage) it uses; app.js
// sends the upload form here (submitBatch) instead of to /api/check.

// Batch statuses and audit actions are labelled from /api/config like verdicts, so the page and
// `pbdocs audit` say the same thing.
const groupLabel = (group, id) => (labels[group] || {})[id] || id;
const REVIEW_VERDICTS = ["compliant", "partial", "missing", "contradicted", "error"];
// How often a batch still being checked is asked for again.
const REFRESH_MS = 2000;
let currentBatch = null;
let refreshTimer = null;

const when = (stamp) => (stamp ? new Date(stamp).toLocaleString("zh-CN", { hour12: false }) : "");

function countsText(counts) {
  const parts = REVIEW_VERDICTS.filter((v) => counts[v]).map((v) => `${label("verdicts", v)} ${counts[v]}`);
  if (counts.pending) parts.push(`待审查 ${counts.pending}`);
  return parts.join(" · ");
}

async function api(path, options) {
  const response = await fetch(path, options);
  if (response.status === 401) {
    window.location.replace("/");
    throw new Error("登录已过期，请重新登录。");
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
  status.textContent = `正在上传 ${chosen.length} 个文件……`;
  try {
    const batch = await api("/api/batches", { method: "POST", body: form });
    status.textContent = `已建立批次“${batch.name}”，共 ${batch.counts.total} 份，正在后台审查，可离开本页稍后查看。`;
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
    const open = el("button", { type: "button", class: "secondary" }, "查看");
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
  const select = el("select", { "aria-label": `第 ${row.row} 份的复核结论` },
    el("option", { value: "" }, "（未复核）"),
    ...REVIEW_VERDICTS.map((v) => el("option", { value: v }, label("verdicts", v))));
  const note = el("input", { type: "text", maxlength: "2000", placeholder: "复核意见", "aria-label": "复核意见" });
  const save = el("button", { type: "button", class: "secondary" }, "保存");
  const saved = el("span", { class: "status review-status", role: "status" });
  if (row.review) {
    select.value = row.review.verdict;
    note.value = row.review.note;
    saved.textContent = `${row.review.reviewer} 已复核`;
  }
  save.disabled = row.pending;
  save.addEventListener("click", async () => {
    if (!select.value) { saved.textContent = "请先选择复核结论。"; return; }
    try {
      const review = await api(`/api/batches/${batchId}/rows/${row.row}/review`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ verdict: select.value, note: note.value }),
      });
      saved.className = "status review-status reviewed";
      saved.textContent = `已保存（${review.reviewer}）`;
    } catch (error) {
      saved.className = "status review-status error";
      saved.textContent = error.message;
    }
  });
  return [el("td", {}, select), el("td", {}, note), el("td", {}, save, saved)];
}

function batchRow(batchId, row) {
  const verdict = row.pending ? "待审查" : label("verdicts", row.verdict);
  const missing = (row.findings || []).flatMap((f) => Object.entries(f.elements || {})
    .filter(([, e]) => e && !e.found).map(([id, e]) => labels.elements[id] || e.title || id));
  return el("tr", { class: "batch-row", "data-row": row.row, "data-path": row.path },
    el("td", {}, row.row), el("td", { class: "path" }, row.path), el("td", {}, row.name || ""),
    el("td", {}, el("span", { class: `verdict badge ${row.verdict || ""}`, "data-verdict": row.verdict || "" }, verdict),
      row.error ? el("div", { class: "err" }, row.error) : null),
    el("td", {}, [...new Set(missing)].join("、")),
    ...reviewCells(batchId, row));
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
  document.getElementById("batch-title").textContent = `批次：${batch.name}`;
  document.getElementById("batch-summary").textContent =
    `${groupLabel("batch_statuses", batch.status)}；共 ${batch.counts.total} 份：${countsText(batch.counts)}`;
  for (const fmt of ["xlsx", "html", "csv"]) {
    document.getElementById(`batch-${fmt}`).href = `/api/batches/${batch.id}/report.${fmt}`;
  }
  document.getElementById("batch-opinions").href = `/api/batches/${batch.id}/opinions.zip`;
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
  if (!currentBatch || !window.confirm("确定删除本批次及其审查结果？此操作不可恢复。")) return;
  await api(`/api/batches/${currentBatch}`, { method: "DELETE" });
  currentBatch = null;
  document.getElementById("batch-view").hidden = true;
  loadBatches();
}

async function loadAudit() {
  const entries = await api("/api/audit");
  document.querySelector("#audit-table tbody").replaceChildren(...entries.reverse().slice(0, 200).map((entry) =>
    el("tr", {}, el("td", {}, when(entry.at)), el("td", {}, entry.user || "（系统）"),
      el("td", {}, groupLabel("audit_actions", entry.action)), el("td", {}, entry.object),
      el("td", {}, entry.detail))));
  document.getElementById("audit-section").hidden = false;
}

async function loadAccount() {
  const me = await api("/api/me");
  document.getElementById("user-name").textContent = me.name;
  document.getElementById("user-role").textContent = me.admin ? "（管理员）" : "";
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

"use strict";
// The row view of the office workspace: one checked charter's evidence, fixes and legal bases
// (drawn by app.js's findingBlock, as on the open page), its amended charter and review opinion to
// download, and the opinion's text, which the officer may edit: the edit is kept with the review.
// Loaded after app.js and office.js (el, say, label, verdictBadge, findingBlock, api).

let openedRow = null;

// The elements a row lacks: the required ones of rules that decide the verdict, apart from
// optional elements and the 【提示】 rules (severity info), which never make a charter fall short.
function shortElements(row) {
  const required = [];
  const optional = [];
  for (const finding of row.findings || []) {
    if (finding.status === "present") continue;
    for (const [id, element] of Object.entries(finding.elements || {})) {
      if (!element || element.found) continue;
      const name = labels.elements[id] || element.title || id;
      (finding.severity !== "info" && element.required !== false ? required : optional).push(name);
    }
  }
  return { required: [...new Set(required)], optional: [...new Set(optional)] };
}

function rowUrl(batchId, row, tail = "") {
  return `/api/batches/${encodeURIComponent(batchId)}/rows/${row}${tail}`;
}

async function openRow(batchId, rowNumber) {
  const view = document.getElementById("row-view");
  const status = document.getElementById("row-status");
  let row;
  try {
    row = await api(rowUrl(batchId, rowNumber));
  } catch (error) {
    status.className = "status error";
    status.textContent = error.message;
    view.hidden = false;
    return;
  }
  openedRow = { batchId, row: rowNumber, generated: null };
  view.hidden = false;
  view.dataset.row = String(rowNumber);
  document.getElementById("row-title").textContent = say("row_title", { row: rowNumber, path: row.path });
  const { required, optional } = shortElements(row);
  document.getElementById("row-summary").replaceChildren(verdictBadge(row),
    required.length ? el("span", { class: "missing-list row-missing" },
      say("row_required_missing", { elements: required.join(say("list_separator")) })) : null,
    optional.length ? el("span", { class: "optional-list row-missing" },
      say("row_optional_missing", { elements: optional.join(say("list_separator")) })) : null);
  status.className = "status";
  status.textContent = row.error ? (row.error_text || row.error) : "";
  document.getElementById("row-amended").href = rowUrl(batchId, rowNumber, "/amended.docx");
  document.getElementById("row-opinion").href = rowUrl(batchId, rowNumber, "/opinion.docx");
  document.getElementById("row-amended").hidden = row.verdict === "compliant" || Boolean(row.error);
  const findings = document.getElementById("row-findings");
  findings.replaceChildren(el("h3", {}, say("row_findings")),
    ...(row.findings || []).filter((f) => f.status !== "present").map((f) => findingBlock(row, f)),
    ...(row.findings || []).filter((f) => f.status === "present").map((f) => findingBlock(row, f)));
  document.getElementById("row-opinion-heading").textContent = say("row_opinion_heading");
  const text = document.getElementById("row-opinion-text");
  text.value = (row.opinion && row.opinion.text || []).join("\n");
  const opinionStatus = document.getElementById("row-opinion-status");
  opinionStatus.className = "status";
  opinionStatus.textContent = row.opinion && row.opinion.edited ? say("row_opinion_edited")
    : (row.opinion && !row.opinion.needed ? say("row_opinion_none") : "");
  view.scrollIntoView({ behavior: "smooth", block: "start" });
}

async function saveOpinion(text) {
  if (!openedRow) return;
  const status = document.getElementById("row-opinion-status");
  try {
    const review = await api(rowUrl(openedRow.batchId, openedRow.row, "/opinion"), {
      method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }),
    });
    status.className = "status reviewed";
    status.textContent = say("row_opinion_saved", { reviewer: review.reviewer });
    if (!text) await openRow(openedRow.batchId, openedRow.row);
    if (typeof loadAudit === "function" && !document.getElementById("audit-section").hidden) loadAudit();
  } catch (error) {
    status.className = "status error";
    status.textContent = error.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("row-close").addEventListener("click", () => {
    document.getElementById("row-view").hidden = true;
    openedRow = null;
  });
  document.getElementById("row-opinion-save").addEventListener("click",
    () => saveOpinion(document.getElementById("row-opinion-text").value));
  document.getElementById("row-opinion-reset").addEventListener("click", () => saveOpinion(""));
});

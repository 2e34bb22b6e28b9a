"use strict";
// Two versions of one charter compared on the office page (章程核准): the changes article by article,
// both verdicts, whether the revision is less compliant, and the 修改对照表 to download. Loaded after
// app.js and office.js (el, say, label, api, errorMessage).

function compareForm(format) {
  const form = new FormData();
  form.append("files", document.getElementById("compare-old").files[0]);
  form.append("files", document.getElementById("compare-new").files[0]);
  return fetch(`/api/compare?format=${format}`, { method: "POST", body: form });
}

function changeRow(change) {
  const before = change.old_text || "—";
  const after = change.kind === "removed" ? "—" : (change.new_text || "—");
  const where = change.old_article && change.new_article && change.old_article !== change.new_article
    ? `${change.old_article} → ${change.new_article}` : (change.new_article || change.old_article || "");
  return el("tr", { class: `change change-${change.kind}`, "data-kind": change.kind },
    el("td", { class: "nowrap" }, say(`compare_kind_${change.kind}`), el("div", { class: "where" }, where)),
    el("td", {}, before), el("td", {}, after), el("td", { class: "missing-list" }, change.note || ""));
}

async function runCompare(event) {
  event.preventDefault();
  const status = document.getElementById("compare-status");
  const result = document.getElementById("compare-result");
  const download = document.getElementById("compare-download");
  if (!document.getElementById("compare-old").files.length || !document.getElementById("compare-new").files.length) {
    status.textContent = say("compare_choose");
    return;
  }
  status.className = "status";
  status.textContent = say("compare_running");
  result.hidden = true;
  download.hidden = true;
  const response = await compareForm("json");
  if (!response.ok) {
    status.className = "status error";
    status.textContent = await errorMessage(response);
    return;
  }
  const data = await response.json();
  status.textContent = "";
  const counts = { added: 0, removed: 0, modified: 0, renumbered: 0 };
  for (const change of data.changes) counts[change.kind] += 1;
  document.getElementById("compare-summary").textContent = data.identical ? say("compare_identical")
    : say("compare_summary", { ...counts, unchanged: data.unchanged });
  document.getElementById("compare-verdicts").replaceChildren(
    say("compare_verdicts_label"),
    el("span", { class: `verdict verdict-${data.before}` }, label("verdicts", data.before)), " → ",
    el("span", { class: `verdict verdict-${data.after}` }, label("verdicts", data.after)));
  const items = data.regressions.map((r) => r.element
    ? say("compare_lost", { title: r.title, element: r.element })
    : say("compare_worse", { title: r.title, before: label(r.rule === "verdict" ? "verdicts" : "statuses", r.before),
      after: label(r.rule === "verdict" ? "verdicts" : "statuses", r.after) }));
  const judgement = document.getElementById("compare-judgement");
  judgement.className = data.less_compliant ? "missing-list" : "";
  judgement.textContent = data.less_compliant ? say("compare_less", { items: items.join(say("list_separator")) })
    : say("compare_not_less");
  document.querySelector("#compare-table tbody").replaceChildren(...data.changes.map(changeRow));
  document.getElementById("compare-table").hidden = !data.changes.length;
  result.hidden = false;
  download.hidden = data.identical;
}

async function downloadTable() {
  const status = document.getElementById("compare-status");
  const response = await compareForm("docx");
  if (!response.ok) {
    status.className = "status error";
    status.textContent = await errorMessage(response);
    return;
  }
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: "修改对照表.docx" });
  document.body.append(link);
  link.click();
  link.remove();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("compare-form").addEventListener("submit", runCompare);
  document.getElementById("compare-download").addEventListener("click", downloadTable);
});

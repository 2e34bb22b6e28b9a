"use strict";
// Every piece of user or document text is inserted with textContent: file names and charter
// sentences are data, never markup.

// Labels come from /api/config (the same package data the screening reports use).
const labels = { verdicts: {}, statuses: {}, elements: {}, rules: {}, report: {} };
const VERDICT_ORDER = ["compliant", "partial", "missing", "contradicted", "not_applicable", "error"];
const label = (kind, id) => labels[kind][id] || id;

const HTTP_MESSAGES = {
  400: "上传内容不完整，请重新选择文件后再试。",
  413: "超出上传限制（文件过大或数量过多），请分批上传。",
  415: "含有不支持的文件类型。",
  503: "政策检索暂不可用（检索索引未就绪）。",
};

// rule_ids names the rules a file's summary shows (the party clause, core values); only the
// server knows them.
const config = { max_upload_mb: 20, max_files: 200, accepted: [".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".zip"], rule_ids: {} };
let chosen = [];
// Settled once /api/config has answered (or failed): the labels are in place from then on.
let configLoaded = Promise.resolve();

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function suffixOf(name) {
  const base = name.split(/[\\/]/).pop();
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}

function formatSize(bytes) {
  return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
}

async function errorMessage(response) {
  let detail = "";
  try {
    const body = await response.json();
    detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch (_) { /* a proxy's HTML error page: the status text is all we have */ }
  const base = HTTP_MESSAGES[response.status] || `服务器返回错误（${response.status}）。`;
  return detail ? `${base}（${detail}）` : base;
}

// ---- choosing files -------------------------------------------------------------------------

function problemsWith(files) {
  const problems = [];
  const rejected = files.filter((f) => !config.accepted.includes(suffixOf(f.name)));
  if (rejected.length) problems.push(`不支持的文件类型：${rejected.map((f) => f.name).join("、")}`);
  if (files.length > config.max_files) problems.push(`一次最多上传 ${config.max_files} 个文件，当前 ${files.length} 个`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > config.max_upload_mb * 1048576) problems.push(`合计 ${formatSize(total)}，超过 ${config.max_upload_mb} MB 上限`);
  return problems;
}

function showChosen() {
  const list = document.getElementById("chosen-files");
  list.replaceChildren(...chosen.map((file) => {
    const remove = el("button", { type: "button", class: "remove", "aria-label": `移除 ${file.name}`, title: "移除" }, "×");
    remove.addEventListener("click", () => { chosen = chosen.filter((f) => f !== file); showChosen(); });
    return el("li", { class: config.accepted.includes(suffixOf(file.name)) ? "" : "rejected" },
      `${file.name}（${formatSize(file.size)}）`, remove);
  }));
  const problems = problemsWith(chosen);
  const status = document.getElementById("check-status");
  status.className = problems.length ? "status error" : "status";
  status.textContent = problems.length ? problems.join("；") : (chosen.length ? `已选择 ${chosen.length} 个文件` : "");
  document.getElementById("check-button").disabled = chosen.length === 0 || problems.length > 0;
}

function addFiles(fileList) {
  const seen = new Set(chosen.map((f) => `${f.name}|${f.size}`));
  for (const file of fileList) {
    if (!seen.has(`${file.name}|${file.size}`)) chosen.push(file);
  }
  showChosen();
}

// ---- checking ---------------------------------------------------------------------------------

function findingOf(result, ruleId) {
  return ruleId ? (result.findings || []).find((f) => f.rule === ruleId) : undefined;
}

function partyFinding(result) {
  return findingOf(result, config.rule_ids.party_clause);
}

function missingElements(result) {
  const finding = partyFinding(result);
  if (!finding || !finding.elements) return [];
  return Object.entries(finding.elements)
    .filter(([, e]) => !e.found && e.required !== false)
    .map(([id, e]) => labels.elements[id] || e.title || id);
}

// A clause standing outside 第一章 总则 (in 附则, say) is flagged wherever its verdict shows.
function misplaced(result) {
  const finding = findingOf(result, config.rule_ids.placement);
  return Boolean(finding && finding.status === "missing" && finding.article);
}

function clauseArticle(result) {
  const finding = partyFinding(result);
  if (!finding || !finding.elements) return "";
  const found = Object.values(finding.elements).find((e) => e.found && e.evidence);
  if (!found) return "";
  const where = [];
  if (found.evidence.page) where.push(`第${found.evidence.page}页`);
  if (found.evidence.chapter) where.push(found.evidence.chapter);
  if (found.evidence.article) where.push(found.evidence.article);
  return where.join(" ");
}

function coreValues(result) {
  const finding = findingOf(result, config.rule_ids.core_values);
  return finding ? label("statuses", finding.status) : "";
}

function verdictBadge(result) {
  const verdict = result.verdict;
  return el("span", { class: `verdict verdict-${verdict}`, "data-verdict": verdict }, label("verdicts", verdict),
    misplaced(result) ? el("span", { class: "misplaced" }, labels.report.misplaced_flag || "") : null);
}

function place(evidence) {
  const where = [];
  if (evidence.page) where.push(`第${evidence.page}页`);
  if (evidence.article) where.push(evidence.article);
  return where.join(" ");
}

function basisLine(basis) {
  if (!basis) return null;
  const parts = [];
  if (basis.title) parts.push(`《${basis.title.replace(/^《|》$/g, "")}》`);
  if (basis.doc_number) parts.push(basis.doc_number);
  if (basis.date) parts.push(basis.date);
  if (basis.article) parts.push(basis.article);
  return parts.length ? el("div", { class: "basis" }, `依据：${parts.join(" ")}`) : null;
}

// Several elements are usually found in one sentence: quote it once, marking each matched phrase.
function quotedSentences(elements) {
  const sentences = new Map();
  for (const element of elements) {
    const evidence = element.found && element.evidence;
    if (!evidence || !evidence.text) continue;
    const key = `${evidence.page}|${evidence.start}|${evidence.end}`;
    if (!sentences.has(key)) sentences.set(key, { evidence, ranges: [] });
    if (Number.isInteger(evidence.match_start) && Number.isInteger(evidence.match_end)) {
      const start = evidence.match_start - evidence.start;
      const end = evidence.match_end - evidence.start;
      if (start >= 0 && end <= evidence.text.length && start < end) sentences.get(key).ranges.push([start, end]);
    }
  }
  return [...sentences.values()].map(({ evidence, ranges }) => el("blockquote", { class: "evidence" },
    el("span", { class: "where" }, `原文（${place(evidence) || "位置未知"}）：`),
    highlighted("span", { class: "quote" }, evidence.text, mergeRanges(ranges))));
}

function findingBlock(finding) {
  const title = finding.title || labels.rules[finding.rule] || finding.rule;
  const advisory = finding.severity === "info" || finding.severity === "warning";
  const heading = el("h4", {}, title,
    el("span", { class: `status-tag status-${advisory && finding.status !== "present" ? "info" : finding.status}` },
      label("statuses", finding.status)),
    finding.severity === "info" ? el("span", { class: "severity" }, "提示项，不影响审查结论") : null);
  const block = el("div", { class: "finding" }, heading);
  if (finding.message) block.append(el("div", { class: "message" }, finding.message));
  const elements = Object.entries(finding.elements || {});
  if (elements.length > 1 || (elements.length === 1 && elements[0][1].found)) {
    const list = el("ul", { class: "elements" });
    for (const [id, element] of elements) {
      const name = element.title || label("elements", id);
      list.append(el("li", {},
        el("span", { class: element.found ? "mark-ok" : "mark-no" }, element.found ? "✓ " : "✗ "),
        name,
        element.found && element.evidence ? el("span", { class: "where" }, `　${place(element.evidence)}`)
          : el("span", { class: "mark-no" }, "　缺失")));
    }
    block.append(list);
  }
  block.append(...quotedSentences(elements.map(([, element]) => element)));
  block.append(basisLine(finding.basis) || "");
  if (finding.fix && finding.fix.text && finding.status !== "present") {
    block.append(el("div", { class: "fix" },
      `修改建议${finding.fix.where ? `（${finding.fix.where}）` : ""}：`, el("span", { class: "fix-text" }, finding.fix.text)));
  }
  return block;
}

function detailRow(result, columns) {
  const cell = el("td", { colspan: String(columns) });
  if (result.error) cell.append(el("p", { class: "error-text" }, `无法读取：${result.error_text || result.error}`));
  else if (result.verdict === "not_applicable" && result.reason) cell.append(el("p", { class: "reason-text" }, `${label("verdicts", "not_applicable")}：${result.reason}`));
  for (const finding of result.findings || []) cell.append(findingBlock(finding));
  if ((result.ocr_pages || []).length) cell.append(el("p", { class: "basis" }, `以下页面经文字识别（OCR）读取：${result.ocr_pages.join("、")}`));
  const row = el("tr", { class: "detail" }, cell);
  row.hidden = true;
  return row;
}

function showSummary(results) {
  const counts = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] || 0) + 1;
  const summary = document.getElementById("summary");
  summary.replaceChildren(el("span", { class: "total" }, `共 ${results.length} 份`));
  for (const verdict of VERDICT_ORDER) {
    if (counts[verdict]) summary.append(el("span", { class: `verdict verdict-${verdict}` }, `${label("verdicts", verdict)} ${counts[verdict]}`));
  }
}

function showResults(results, reportId) {
  const body = document.querySelector("#results-table tbody");
  const columns = document.querySelectorAll("#results-table thead th").length;
  body.replaceChildren();
  results.forEach((result, index) => {
    const missing = missingElements(result);
    const detail = detailRow(result, columns);
    const toggle = el("button", { type: "button", class: "small secondary", "aria-expanded": "false" }, "展开");
    toggle.addEventListener("click", () => {
      detail.hidden = !detail.hidden;
      toggle.textContent = detail.hidden ? "展开" : "收起";
      toggle.setAttribute("aria-expanded", String(!detail.hidden));
    });
    body.append(el("tr", { class: "result", "data-path": result.path },
      el("td", { class: "nowrap" }, index + 1),
      el("td", { class: "file" }, result.path),
      el("td", {}, result.name || "—"),
      el("td", {}, result.org_type || "—"),
      el("td", { class: "nowrap" }, verdictBadge(result)),
      el("td", { class: missing.length ? "missing-list" : "" }, result.verdict === "error" ? "—" : (missing.join("、") || "无")),
      el("td", {}, coreValues(result) || "—"),
      el("td", { class: misplaced(result) ? "nowrap misplaced-place" : "nowrap" }, clauseArticle(result) || "—",
        misplaced(result) ? el("span", { class: "misplaced" }, labels.report.misplaced_flag || "") : null),
      el("td", { class: "nowrap" }, toggle)), detail);
  });
  showSummary(results);
  document.getElementById("download-xlsx").href = `/api/reports/${encodeURIComponent(reportId)}.xlsx`;
  for (const fmt of ["csv", "html"]) {
    document.getElementById(`download-${fmt}`).href = `/api/reports/${encodeURIComponent(reportId)}.${fmt}`;
  }
  document.getElementById("download-opinions").href = `/api/reports/${encodeURIComponent(reportId)}/opinions.zip`;
  document.getElementById("results").hidden = false;
}

async function submitFiles(event) {
  event.preventDefault();
  if (!chosen.length) return;
  const status = document.getElementById("check-status");
  const button = document.getElementById("check-button");
  const form = new FormData();
  for (const file of chosen) form.append("files", file, file.name);
  button.disabled = true;
  status.className = "status";
  const waiting = `正在审查 ${chosen.length} 个文件，请稍候……`;
  status.textContent = waiting;
  // Scanned PDFs take a while to read: a running clock shows the page has not hung.
  const began = Date.now();
  const clock = setInterval(() => {
    status.textContent = `${waiting}已用时 ${Math.round((Date.now() - began) / 1000)} 秒`;
  }, 1000);
  // Photos of one charter's pages are read together, in the order chosen, as one document.
  const asPages = document.getElementById("pages-input").checked && chosen.length > 1;
  try {
    const response = await fetch(asPages ? "/api/check?pages=true" : "/api/check", { method: "POST", body: form });
    if (!response.ok) throw new Error(await errorMessage(response));
    const results = await response.json();
    showResults(results, response.headers.get("x-report-id"));
    status.textContent = `审查完成：${results.length} 份文件。点击“展开”查看原文依据和修改建议。`;
  } catch (error) {
    status.className = "status error";
    status.textContent = error instanceof TypeError ? "无法连接服务器，请检查网络或文件大小后重试。" : error.message;
  } finally {
    clearInterval(clock);
    button.disabled = false;
  }
}

// ---- searching --------------------------------------------------------------------------------

function termRanges(text, terms) {
  const ranges = [];
  for (const term of terms) {
    if (!term) continue;
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) {
      ranges.push([at, at + term.length]);
    }
  }
  return mergeRanges(ranges);
}

function mergeRanges(ranges) {
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

function highlighted(tag, attrs, text, ranges, markClass) {
  const node = el(tag, attrs);
  let position = 0;
  for (const [start, end] of ranges) {
    node.append(text.slice(position, start), el("mark", markClass ? { class: markClass } : {}, text.slice(start, end)));
    position = end;
  }
  node.append(text.slice(position));
  return node;
}

function answerRange(hit) {
  const span = hit.answer_span;
  if (Array.isArray(span) && span.length === 2 && hit.text.slice(span[0], span[1]) === hit.answer) return [[span[0], span[1]]];
  const at = hit.answer ? hit.text.indexOf(hit.answer) : -1;
  return at >= 0 ? [[at, at + hit.answer.length]] : [];
}

function hitItem(hit) {
  const terms = [...new Set((hit.highlights || []).map((h) => h.term))];
  const answer = hit.answer || hit.text || "";
  const title = hit.title ? `《${hit.title.replace(/^《|》$/g, "")}》` : hit.doc_id;
  // The citation names the law's version or the notice's 文号 and the article: 《慈善法》(2023修正) 第六十一条.
  const cited = hit.citation || [title, hit.article].filter(Boolean).join(" ");
  const origin = [hit.issuer, hit.doc_number, hit.date, hit.effective ? `${hit.effective}施行` : null, hit.chapter]
    .filter((x) => x && !cited.includes(x)).join(" ");
  const item = el("li", { class: "hit" },
    highlighted("div", { class: "answer" }, answer, termRanges(answer, terms)),
    el("div", { class: "source" }, `出处：${cited}`, origin ? `　${origin}` : "",
      hit.source ? `　来源：${hit.source}` : ""));
  if (hit.in_force === false) {
    const by = hit.superseded_by ? `已被${hit.superseded_by.citation}取代` : "已失效";
    item.append(el("div", { class: "superseded" }, by));
  }
  if (hit.text && hit.text !== answer) {
    item.append(el("details", {}, el("summary", {}, "查看条文全文（答案句以底色标出）"),
      highlighted("p", {}, hit.text, answerRange(hit), "answer-span")));
  }
  return item;
}

async function submitSearch(event) {
  event.preventDefault();
  const query = document.getElementById("search-input").value.trim();
  if (!query) return;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  status.className = "status";
  status.textContent = "正在检索……";
  list.replaceChildren();
  try {
    const response = await fetch(`/api/search?q=${encodeURIComponent(query)}&k=5`);
    if (!response.ok) throw new Error(await errorMessage(response));
    const result = await response.json();
    if (!result.confident) {
      status.className = "status no-answer";
      status.textContent = "未找到可靠的答案。以下为最接近的条文，仅供参考。";
    } else {
      status.textContent = `找到 ${result.hits.length} 条相关条文。每条先列出回答问题的句子（标黄处为与问题匹配的词语），可展开查看条文全文。`;
    }
    list.replaceChildren(...result.hits.map(hitItem));
  } catch (error) {
    status.className = "status error";
    status.textContent = error instanceof TypeError ? "无法连接服务器。" : error.message;
  }
}

// ---- wiring -----------------------------------------------------------------------------------

async function loadConfig() {
  try {
    const response = await fetch("/api/config");
    if (response.ok) {
      Object.assign(config, await response.json());
      Object.assign(labels, config.labels || {});
    }
  } catch (_) { /* the defaults above match the server's defaults */ }
  document.getElementById("file-input").accept = config.accepted.join(",");
  document.getElementById("limits-hint").textContent =
    `支持 Word（.docx .doc）、PDF（含扫描件）、照片和扫描图片、文本、网页及 ZIP 压缩包；一次最多 ${config.max_files} 个文件，合计不超过 ${config.max_upload_mb} MB`;
  showChosen();
}

document.addEventListener("DOMContentLoaded", () => {
  const zone = document.getElementById("drop-zone");
  const input = document.getElementById("file-input");
  input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (event) => { event.preventDefault(); addFiles(event.dataTransfer.files); });
  document.getElementById("clear-button").addEventListener("click", () => { chosen = []; showChosen(); });
  // The office workspace's page (office.js) turns an upload into a kept batch instead.
  document.getElementById("upload-form").addEventListener("submit",
    (event) => (typeof submitBatch === "function" ? submitBatch : submitFiles)(event));
  document.getElementById("search-form").addEventListener("submit", submitSearch);
  configLoaded = loadConfig();
});

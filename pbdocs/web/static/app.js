"use strict";
// Every piece of user or document text is inserted with textContent: file names and charter
// sentences are data, never markup.

// Labels and the page's sentences come from /api/config (the message catalogue the CLI and the
// screening reports use); a sentence's {name} fields are filled in here.
const labels = { verdicts: {}, statuses: {}, elements: {}, rules: {}, report: {}, web: {}, search: {} };
const VERDICT_ORDER = ["compliant", "partial", "missing", "contradicted", "not_applicable", "error"];
const label = (kind, id) => labels[kind][id] || id;
const say = (key, fields = {}) =>
  (labels.web[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(fields[name] ?? ""));

// rule_ids names the rules a file's summary shows (the party clause, core values); only the
// server knows them.
const config = { max_upload_mb: 20, max_files: 200, accepted: [".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".pages", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".zip"], rule_ids: {} };
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
  const known = labels.web[`http_${response.status}`];
  const base = known || say("http_other", { status: response.status });
  return detail ? say("with_detail", { message: base, detail }) : base;
}

// ---- choosing files -------------------------------------------------------------------------

function problemsWith(files) {
  const problems = [];
  const rejected = files.filter((f) => !config.accepted.includes(suffixOf(f.name)));
  if (rejected.length) problems.push(say("unsupported", { names: rejected.map((f) => f.name).join(say("list_separator")) }));
  if (files.length > config.max_files) problems.push(say("too_many", { max: config.max_files, count: files.length }));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > config.max_upload_mb * 1048576) problems.push(say("too_large", { size: formatSize(total), max: config.max_upload_mb }));
  return problems;
}

function showChosen() {
  const list = document.getElementById("chosen-files");
  list.replaceChildren(...chosen.map((file) => {
    const remove = el("button", { type: "button", class: "remove", "aria-label": say("remove_file", { name: file.name }), title: say("remove") }, "×");
    remove.addEventListener("click", () => { chosen = chosen.filter((f) => f !== file); showChosen(); });
    return el("li", { class: config.accepted.includes(suffixOf(file.name)) ? "" : "rejected" },
      say("chosen_file", { name: file.name, size: formatSize(file.size) }), remove);
  }));
  const problems = problemsWith(chosen);
  const status = document.getElementById("check-status");
  status.className = problems.length ? "status error" : "status";
  status.textContent = problems.length ? problems.join(say("problem_separator")) : (chosen.length ? say("chosen", { count: chosen.length }) : "");
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

// Whether the clause stands outside 第一章 总则, where it stands, and the bases as cited are worded by
// the server (pbdocs/present.py), like every report: the page only lays them out.
function misplaced(result) {
  return Boolean(result.shown && result.shown.misplaced);
}

function clauseArticle(result) {
  return (result.shown && result.shown.placement) || "";
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

// 第1页 第八条 beside an element found, as the server words it (present.page_place).
function placeOf(result, finding, id) {
  const places = result.shown && result.shown.places && result.shown.places[finding.rule];
  return (places && places[id]) || "";
}

function basisLine(result, finding) {
  const cited = result.shown && result.shown.bases && result.shown.bases[finding.rule];
  return cited ? el("div", { class: "basis" }, say("basis", { basis: cited })) : null;
}

// Several elements are usually found in one sentence: quote it once, marking each matched phrase.
function quotedSentences(result, finding, elements) {
  const sentences = new Map();
  for (const [id, element] of elements) {
    const evidence = element.found && element.evidence;
    if (!evidence || !evidence.text) continue;
    const key = `${evidence.page}|${evidence.start}|${evidence.end}`;
    if (!sentences.has(key)) sentences.set(key, { evidence, where: placeOf(result, finding, id), ranges: [] });
    if (Number.isInteger(evidence.match_start) && Number.isInteger(evidence.match_end)) {
      const start = evidence.match_start - evidence.start;
      const end = evidence.match_end - evidence.start;
      if (start >= 0 && end <= evidence.text.length && start < end) sentences.get(key).ranges.push([start, end]);
    }
  }
  return [...sentences.values()].map(({ evidence, where, ranges }) => el("blockquote", { class: "evidence" },
    el("span", { class: "where" }, say("evidence", { place: where || say("unknown_place") })),
    highlighted("span", { class: "quote" }, evidence.text, mergeRanges(ranges))));
}

function findingBlock(result, finding) {
  const title = finding.title || labels.rules[finding.rule] || finding.rule;
  const advisory = finding.severity === "info" || finding.severity === "warning";
  const heading = el("h4", {}, title,
    el("span", { class: `status-tag status-${advisory && finding.status !== "present" ? "info" : finding.status}` },
      label("statuses", finding.status)),
    // Only a finding that falls short carries a severity note.
    finding.severity === "info" && finding.status !== "present" ? el("span", { class: "severity" }, say("info_note")) : null);
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
        element.found && element.evidence ? el("span", { class: "where" }, `　${placeOf(result, finding, id)}`)
          : el("span", { class: "mark-no" }, say("element_missing"))));
    }
    block.append(list);
  }
  block.append(...quotedSentences(result, finding, elements));
  block.append(basisLine(result, finding) || "");
  if (finding.fix && finding.fix.text && finding.status !== "present") {
    block.append(el("div", { class: "fix" },
      finding.fix.where ? say("fix_at", { where: finding.fix.where }) : say("fix"),
      el("span", { class: "fix-text" }, finding.fix.text)));
  }
  return block;
}

function detailRow(result, columns) {
  const cell = el("td", { colspan: String(columns) });
  if (result.error) cell.append(el("p", { class: "error-text" }, say("unreadable", { reason: result.error_text || result.error })));
  else if (result.verdict === "not_applicable" && result.reason) {
    cell.append(el("p", { class: "reason-text" }, say("not_applicable", { verdict: label("verdicts", "not_applicable"), reason: result.reason })));
    // 判断依据: the words the kind was told by, so that a wrong guess can be seen and overridden.
    const cues = (result.kind_evidence || []).slice(0, 6).map((cue) => `“${cue.text}”`).join("、");
    if (cues) cell.append(el("p", { class: "reason-text" }, say("kind_evidence", { cues })));
  }
  for (const finding of result.findings || []) cell.append(findingBlock(result, finding));
  if ((result.ocr_pages || []).length) cell.append(el("p", { class: "basis" }, say("ocr_pages", { pages: result.ocr_pages.join(say("list_separator")) })));
  const row = el("tr", { class: "detail" }, cell);
  row.hidden = true;
  return row;
}

function showSummary(results) {
  const counts = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] || 0) + 1;
  const summary = document.getElementById("summary");
  summary.replaceChildren(el("span", { class: "total" }, say("total", { count: results.length })));
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
    const toggle = el("button", { type: "button", class: "small secondary", "aria-expanded": "false" }, say("expand"));
    toggle.addEventListener("click", () => {
      detail.hidden = !detail.hidden;
      toggle.textContent = say(detail.hidden ? "expand" : "collapse");
      toggle.setAttribute("aria-expanded", String(!detail.hidden));
    });
    body.append(el("tr", { class: "result", "data-path": result.path },
      el("td", { class: "nowrap" }, index + 1),
      el("td", { class: "file" }, result.path),
      el("td", {}, result.name || "—"),
      el("td", {}, result.org_type || "—"),
      el("td", { class: "nowrap" }, verdictBadge(result)),
      el("td", { class: missing.length ? "missing-list" : "" }, result.verdict === "error" ? "—" : (missing.join(say("list_separator")) || say("none"))),
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
  const waiting = say("checking", { count: chosen.length });
  status.textContent = waiting;
  // Scanned PDFs take a while to read: a running clock shows the page has not hung.
  const began = Date.now();
  const clock = setInterval(() => {
    status.textContent = say("elapsed", { waiting, seconds: Math.round((Date.now() - began) / 1000) });
  }, 1000);
  // Photos of one charter's pages are read together, in the order chosen, as one document.
  const asPages = document.getElementById("pages-input").checked && chosen.length > 1;
  // A document taken for a look-alike (不适用) can be checked as a social-organization charter.
  const query = new URLSearchParams();
  if (asPages) query.set("pages", "true");
  if (document.getElementById("charter-input").checked) query.set("kind", "social_organization");
  try {
    const url = query.toString() ? `/api/check?${query}` : "/api/check";
    const response = await fetch(url, { method: "POST", body: form });
    if (!response.ok) throw new Error(await errorMessage(response));
    const results = await response.json();
    showResults(results, response.headers.get("x-report-id"));
    status.textContent = say("checked", { count: results.length });
  } catch (error) {
    status.className = "status error";
    status.textContent = error instanceof TypeError ? say("offline_upload") : error.message;
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
  // A date in the year of a 修订/修正 version is the amendment's, not that of the 文号 beside it
  // (as pbdocs.search.versions.amendment reads it).
  const amended = /^(\d{4})(修订|修正)$/.exec(hit.version || "");
  const dated = hit.date && amended && hit.date.startsWith(amended[1]) ? say("amended", { date: hit.date, kind: amended[2] }) : hit.date;
  const origin = [hit.issuer, hit.doc_number, dated, hit.effective ? say("effective", { date: hit.effective }) : null, hit.chapter]
    .filter((x) => x && !cited.includes(x)).join(" ");
  // Raw provenance (repository paths, snapshot commits, rule files) stays in the JSON; people get a web address.
  const link = /^https?:\/\//.test(hit.source || "") ? hit.source : "";
  const item = el("li", { class: "hit" },
    highlighted("div", { class: "answer" }, answer, termRanges(answer, terms)),
    el("div", { class: "source" }, say("cited", { cited }), origin ? `　${origin}` : "",
      link ? say("hit_source", { source: link }) : ""));
  if (hit.in_force === false) {
    const by = hit.superseded_by ? say("superseded", { citation: hit.superseded_by.citation }) : say("repealed");
    item.append(el("div", { class: "superseded" }, by));
  }
  if (hit.text && hit.text !== answer) {
    item.append(el("details", {}, el("summary", {}, say("full_text")),
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
  status.textContent = say("searching");
  list.replaceChildren();
  try {
    const response = await fetch(`/api/search?q=${encodeURIComponent(query)}&k=5`);
    if (!response.ok) throw new Error(await errorMessage(response));
    const result = await response.json();
    // The search's own sentence, as the command line says it: uncertain, with the nearest
    // provisions for reference, or nothing found, with no list.
    const nothing = !result.confident && result.message === labels.search.no_answer;
    if (!result.confident) {
      status.className = "status no-answer";
      status.textContent = result.message || labels.search.uncertain;
    } else {
      status.textContent = say("found", { count: result.hits.length });
    }
    list.replaceChildren(...(nothing ? [] : result.hits.map(hitItem)));
  } catch (error) {
    status.className = "status error";
    status.textContent = error instanceof TypeError ? say("offline") : error.message;
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
    say("limits", { max_files: config.max_files, max_mb: config.max_upload_mb });
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

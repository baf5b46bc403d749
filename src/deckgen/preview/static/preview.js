// deckgen preview: the page follows the server's state through one event stream; images are
// swapped in place, each only when its pixels changed (an image's name is their hash).
"use strict";

const token = document.body.dataset.token;
const $ = (id) => document.getElementById(id);

function showSheets(container, images, kind, label) {
  while (container.children.length > images.length) container.lastElementChild.remove();
  images.forEach((image, index) => {
    let img = container.children[index];
    if (!img) {
      img = document.createElement("img");
      img.dataset.index = String(index);
      img.dataset.kind = kind;
      img.addEventListener("click", onSheetClick);
      container.appendChild(img);
    }
    img.alt = `${label} ${index + 1} of ${images.length}`;
    img.width = image.width;
    img.height = image.height;
    if (img.dataset.key !== image.key) {
      img.dataset.key = image.key;
      img.src = `/image/${image.key}.png`;
    }
  });
}

function showProblems(problems) {
  const list = $("problem-list");
  list.replaceChildren();
  problems.forEach((problem, index) => {
    const item = document.createElement("li");
    if (problem.warning) item.className = "warning";
    if (problem.where) {
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = problem.where;
      where.dataset.index = String(index);
      where.addEventListener("click", () => openSource({ kind: "error", index }));
      item.append(where, ": ");
    }
    item.append(problem.message);
    if (problem.excerpt) {
      const excerpt = document.createElement("span");
      excerpt.className = "excerpt";
      excerpt.textContent = problem.excerpt;
      item.append(excerpt);
    }
    list.appendChild(item);
  });
  $("problems").hidden = problems.length === 0;
}

function show(state) {
  const errors = state.errors.filter((p) => !p.warning);
  document.body.classList.toggle("stale", errors.length > 0);
  document.body.dataset.version = String(state.version);
  const status = $("status");
  status.textContent = state.status + (state.slides_busy ? "; slides: converting" : "");
  status.classList.toggle("busy", Boolean(state.busy || state.slides_busy));
  $("watch-message").textContent = state.message || "";  // the watch's last word
  showProblems(state.errors);
  showChoices(state.choices);
  showSheets($("pages"), state.pages, "page", "Page");
  showSheets($("slides"), state.slides, "slide", "Slide");
  $("page-count").textContent = state.pages.length ? `(${state.pages.length} pages)` : "";
  $("slide-count").textContent = state.slides.length ? `(${state.slides.length} slides)` : "";
  $("slides-note").textContent = state.slides_note || "";
}

// The brief, edition and row shown (a collection, editions, a parameterised brief): a selector
// for each that offers more than one; a choice asks the server to show it.
const CHOICES = [["brief", "briefs"], ["edition", "editions"], ["param", "params"]];
function showChoices(choices) {
  for (const [name, list] of CHOICES) {
    const values = (choices && choices[list]) || [];
    const select = $(name);
    $(`${name}-choice`).hidden = values.length < 2;
    if (select.dataset.values !== JSON.stringify(values)) {
      select.replaceChildren(...values.map((value) => new Option(value, value)));
      select.dataset.values = JSON.stringify(values);
    }
    if (choices && values.includes(choices[name])) select.value = choices[name];
  }
}

async function choose(name) {
  const wanted = { [name]: $(name).value };
  if (name !== "brief") wanted.brief = $("brief").value || "";
  for (const other of ["edition", "param"]) {
    if (other !== name && name !== "brief") wanted[other] = $(other).value || "";
  }
  await post("/select", wanted);
}
for (const [name] of CHOICES) $(name).addEventListener("change", () => choose(name));

function onSheetClick(event) {
  const img = event.currentTarget;
  const box = img.getBoundingClientRect();
  const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
  const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  openSource({ kind: img.dataset.kind, index: Number(img.dataset.index), x, y });
}

async function openSource(click) {
  await post("/open", click);
}

async function post(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, token }),
    });
    const answer = await response.json();
    $("where").textContent = answer.message;
  } catch (error) {
    $("where").textContent = `could not ask the preview: ${error}`;
  }
}

// The pages are drawn as many pixels wide as the page shows them (told with the stream's URL;
// the stream is opened again when the column's width changes that by more than a twentieth).
const MAX_PAGE_WIDTH = 900;  // #pages img's max-width
function pageWidth() {
  const column = $("pages").clientWidth || MAX_PAGE_WIDTH;
  return Math.round(Math.min(column, MAX_PAGE_WIDTH) * (window.devicePixelRatio || 1));
}

let events = null;
let width = 0;
function connect() {
  width = pageWidth();
  document.body.dataset.width = String(width);
  if (events) events.close();
  events = new EventSource(`/events?width=${width}`);
  events.onmessage = (event) => show(JSON.parse(event.data));
  events.onerror = () => { $("status").textContent = "the preview has stopped (or is restarting)"; };
}

let resized = 0;
new ResizeObserver(() => {
  clearTimeout(resized);
  resized = setTimeout(() => { if (Math.abs(pageWidth() - width) > width / 20) connect(); }, 300);
}).observe($("pages"));
connect();

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
  showProblems(state.errors);
  showSheets($("pages"), state.pages, "page", "Page");
  showSheets($("slides"), state.slides, "slide", "Slide");
  $("page-count").textContent = state.pages.length ? `(${state.pages.length} pages)` : "";
  $("slide-count").textContent = state.slides.length ? `(${state.slides.length} slides)` : "";
  $("slides-note").textContent = state.slides_note || "";
}

function onSheetClick(event) {
  const img = event.currentTarget;
  const box = img.getBoundingClientRect();
  const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
  openSource({ kind: img.dataset.kind, index: Number(img.dataset.index), y });
}

async function openSource(click) {
  try {
    const response = await fetch("/open", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...click, token }),
    });
    const answer = await response.json();
    $("where").textContent = answer.message;
  } catch (error) {
    $("where").textContent = `could not ask the preview: ${error}`;
  }
}

const events = new EventSource("/events");
events.onmessage = (event) => show(JSON.parse(event.data));
events.onerror = () => { $("status").textContent = "the preview has stopped (or is restarting)"; };

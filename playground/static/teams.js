/* The playground's Teams view: draws the Adaptive Cards the bot really sent (as the Bot Connector
 * emulator recorded them) the way Teams shows them, and turns their buttons and dialog inputs
 * into calls the page makes. Only what the bot uses of Adaptive Cards 1.5 is drawn: TextBlock
 * (Teams' markdown subset), FactSet, ActionSet, Action.Execute, Action.Submit and the inputs.
 * Vanilla JavaScript, no build step; app.js calls `NetvaerkTeams.card(...)`.
 */
"use strict";

window.NetvaerkTeams = (() => {
  const { el } = window.NetvaerkDom;

  // --- markdown: **bold**, _italic_, [label](url), <at>name</at>, backslash escapes, lists ---

  const INLINE = /\\(.)|\*\*(.+?)\*\*|(?<![\w\\])_(?!\s)(.+?)(?<![\s\\])_(?!\w)|\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)|<at>(.+?)<\/at>/g;

  function inline(text) {
    const nodes = [];
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) nodes.push(text.slice(last, m.index));
      if (m[1] !== undefined) nodes.push(m[1]);
      else if (m[2] !== undefined) nodes.push(el("strong", {}, inline(m[2])));
      else if (m[3] !== undefined) nodes.push(el("em", {}, inline(m[3])));
      else if (m[4] !== undefined) {
        const url = m[5];
        const safe = /^(https?:|mailto:)/i.test(url);
        nodes.push(safe ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, inline(m[4])) : inline(m[4]));
      } else nodes.push(el("span", { class: "mention" }, "@", inline(m[6])));
      last = m.index + m[0].length;
    }
    if (last < text.length) nodes.push(text.slice(last));
    return nodes;
  }

  function markdown(text) {
    const box = el("div", { class: "md" });
    let list = null;
    for (const line of String(text).split("\n")) {
      const item = /^\s*(-|\d+\.)\s+(.*)$/.exec(line);
      if (item) {
        const ordered = item[1] !== "-";
        if (!list || list.ordered !== ordered) {
          list = { ordered, node: el(ordered ? "ol" : "ul", {}) };
          box.append(list.node);
        }
        list.node.append(el("li", {}, inline(item[2])));
        continue;
      }
      list = null;
      box.append(line.trim() ? el("p", {}, inline(line)) : el("p", { class: "gap" }));
    }
    return box;
  }

  // --- cards ---------------------------------------------------------------------------------

  function textBlock(block) {
    const classes = ["tb"];
    if (block.size) classes.push(`tb-${block.size.toLowerCase()}`);
    if (block.weight === "Bolder") classes.push("tb-bold");
    if (block.isSubtle) classes.push("tb-subtle");
    if (block.color === "Attention") classes.push("tb-attention");
    const node = markdown(block.text || "");
    node.className = `md ${classes.join(" ")}`;
    if (block.color === "Attention") node.setAttribute("role", "alert");
    return node;
  }

  function factSet(block) {
    return el("dl", { class: "facts" }, block.facts.map((fact) => [
      el("dt", {}, inline(fact.title)), el("dd", {}, inline(fact.value)),
    ]));
  }

  function actionButton(action, handlers) {
    const classes = ["btn", "card-action"];
    if (action.style === "positive") classes.push("btn-primary");
    if (action.style === "destructive") classes.push("btn-danger");
    return el("button", {
      type: "button",
      class: classes.join(" "),
      text: action.title,
      onclick: (event) => handlers.action(action, event.currentTarget),
    });
  }

  function input(block, handlers) {
    const id = `teams-input-${block.id}`;
    const label = el("label", { for: id, text: block.label + (block.isRequired ? " *" : "") });
    let control;
    if (block.type === "Input.ChoiceSet") {
      const chosen = new Set(String(block.value ?? "").split(",").filter(Boolean));
      control = el("select", { id, multiple: block.isMultiSelect || null },
        block.isMultiSelect ? null : el("option", { value: "", text: block.placeholder || "" }),
        (block.choices || []).map((c) => el("option", { value: c.value, text: c.title, selected: chosen.has(c.value) || null })));
    } else if (block.type === "Input.Text" && block.isMultiline) {
      control = el("textarea", { id, maxlength: block.maxLength, placeholder: block.placeholder, rows: 4 });
      control.value = block.value ?? "";
    } else {
      const type = { "Input.Number": "number", "Input.Date": "date", "Input.Time": "time" }[block.type] || "text";
      control = el("input", { id, type, min: block.min, max: block.max, maxlength: block.maxLength, placeholder: block.placeholder });
      control.value = block.value ?? "";
    }
    control.dataset.inputId = block.id;
    handlers.inputs.push(control);
    return el("div", { class: "field" }, label, control);
  }

  function element(block, handlers) {
    let node = null;
    if (block.type === "TextBlock") node = textBlock(block);
    else if (block.type === "FactSet") node = factSet(block);
    else if (block.type === "ActionSet") node = el("div", { class: "card-actions" }, block.actions.map((a) => actionButton(a, handlers)));
    else if (block.type && block.type.startsWith("Input.")) node = input(block, handlers);
    if (node && block.separator) node.classList.add("separated");
    return node;
  }

  /* A card. `handlers.action(action, button)` is called for a pressed button; inputs are
   * collected in `handlers.inputs` so a dialog's submit can read them with `values(...)`. */
  function card(content, handlers) {
    handlers.inputs = handlers.inputs || [];
    return el("div", { class: "adaptive-card" },
      (content.body || []).map((block) => element(block, handlers)),
      content.actions && content.actions.length
        ? el("div", { class: "card-actions" }, content.actions.map((a) => actionButton(a, handlers)))
        : null);
  }

  function values(inputs) {
    const out = {};
    for (const control of inputs) {
      if (control.multiple) {
        out[control.dataset.inputId] = Array.from(control.selectedOptions).map((o) => o.value).join(",");
      } else {
        out[control.dataset.inputId] = control.value;
      }
    }
    return out;
  }

  return { card, values, markdown };
})();

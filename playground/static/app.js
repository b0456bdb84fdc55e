/* The playground page: renders what the emulator holds for the chosen person and turns clicks,
 * picks and form submissions into calls to the playground's JSON API (which sends Slack-shaped,
 * signed requests to the real app). Vanilla JavaScript, no build step, nothing from the network
 * but this server. Every text comes from the catalogue (GET /api/texts).
 */
"use strict";

(() => {
  const POLL_MS = 800;
  const $ = (id) => document.getElementById(id);

  const page = {
    texts: {},
    state: null,
    user: localStorage.getItem("playground.user") || "",
    target: localStorage.getItem("playground.target") || "dm", // "home", "dm" or a channel id
    platform: localStorage.getItem("playground.platform") || "slack", // "slack" or "teams"
    language: document.documentElement.lang || "da",
    messageCache: new Map(), // ts -> {hash, element}
    shownConversation: null,
    modal: { id: null, hash: null, errors: {}, drafts: {} },
    homeHash: null,
    peopleHash: null,
    busy: false,
    pollTimer: null,
    uid: 0,
  };

  // --- small helpers ---------------------------------------------------------------------

  function tr(key, values) {
    let text = page.texts[key] ?? key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  const { el } = window.NetvaerkDom;

  function nextId(prefix) {
    page.uid += 1;
    return `${prefix}-${page.uid}`;
  }

  function announce(text) {
    const status = $("status");
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 30);
  }

  let toastTimer = null;
  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => { box.hidden = true; }, 6000);
  }

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) {
      throw new Error((data && data.error) || tr("error.internal"));
    }
    return data;
  }

  async function act(route, body) {
    try {
      const answer = await api(`/api/${route}`, { user: page.user, ...body });
      schedulePoll(150);
      return answer;
    } catch (error) {
      toast(error.message);
      return null;
    }
  }

  function formatTime(ts) {
    const tz = page.state ? page.state.clock.tz : "Europe/Copenhagen";
    const locale = page.language === "en" ? "en-GB" : "da-DK";
    const when = new Date(parseFloat(ts) * 1000);
    return new Intl.DateTimeFormat(locale, {
      timeZone: tz, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit",
    }).format(when);
  }

  // --- mrkdwn ----------------------------------------------------------------------------

  function decode(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  const INLINE = /<([^<>\n]+)>|`([^`\n]+)`|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])|(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])/g;

  function inline(text) {
    const nodes = [];
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) nodes.push(decode(text.slice(last, match.index)));
      const [, angle, code, bold, italic, strike] = match;
      if (angle !== undefined) nodes.push(angled(angle));
      else if (code !== undefined) nodes.push(el("code", { text: decode(code) }));
      else if (bold !== undefined) nodes.push(el("strong", {}, inline(bold)));
      else if (italic !== undefined) nodes.push(el("em", {}, inline(italic)));
      else if (strike !== undefined) nodes.push(el("s", {}, inline(strike)));
      last = match.index + match[0].length;
    }
    if (last < text.length) nodes.push(decode(text.slice(last)));
    return nodes;
  }

  function angled(body) {
    const [target, label] = body.split("|", 2);
    const users = page.state ? page.state.users : {};
    const channels = page.state ? page.state.channels : {};
    if (target.startsWith("@")) {
      const id = target.slice(1);
      return el("span", { class: "mention" }, `@${users[id] || label || id}`);
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      return el("span", { class: "mention" }, `#${channels[id] || label || id}`);
    }
    if (target.startsWith("!")) {
      const word = target.slice(1).split("^")[0];
      return el("span", { class: "mention" }, label ? decode(label) : `@${word}`);
    }
    if (/^(https?:|mailto:)/i.test(target)) {
      return el("a", { href: decode(target), target: "_blank", rel: "noopener noreferrer" },
        label ? inline(label) : decode(target));
    }
    return decode(`<${body}>`);
  }

  function mrkdwn(text) {
    const root = el("div", { class: "mrkdwn" });
    const parts = String(text || "").split("```");
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        root.append(el("pre", {}, el("code", { text: decode(part.replace(/^\n/, "")) })));
        return;
      }
      let list = null;
      let paragraph = null;
      for (const line of part.split("\n")) {
        const bullet = line.match(/^\s*(?:•|-|\*|◦)\s+(.*)$/);
        const numbered = line.match(/^\s*(\d+)[.)]\s+(.*)$/);
        if (bullet || numbered) {
          const kind = bullet ? "ul" : "ol";
          if (!list || list.tagName.toLowerCase() !== kind) {
            list = el(kind);
            root.append(list);
          }
          list.append(el("li", {}, inline(bullet ? bullet[1] : numbered[2])));
          paragraph = null;
          continue;
        }
        list = null;
        if (line.startsWith("&gt; ") || line.startsWith("> ")) {
          root.append(el("blockquote", {}, inline(line.replace(/^(&gt;|>) /, ""))));
          paragraph = null;
          continue;
        }
        if (!line.trim()) { paragraph = null; continue; }
        if (!paragraph) {
          paragraph = el("p");
          root.append(paragraph);
        } else {
          paragraph.append(el("br"));
        }
        paragraph.append(...inline(line));
      }
    });
    return root;
  }

  function textObject(object, className) {
    if (!object) return null;
    if (object.type === "mrkdwn") {
      const node = mrkdwn(object.text);
      if (className) node.classList.add(className);
      return node;
    }
    return el("div", { class: `plain ${className || ""}`.trim(), text: object.text || "" });
  }

  function plain(object) {
    return object ? String(object.text || "") : "";
  }

  // --- Block Kit -------------------------------------------------------------------------

  /* ctx: {where: {message_ts} | {view_id}, form: bool, viewId, errors} */
  function renderBlocks(blocks, ctx) {
    const box = el("div", { class: "blocks" });
    for (const block of blocks || []) {
      const node = renderBlock(block, ctx);
      if (node) box.append(node);
    }
    return box;
  }

  function renderBlock(block, ctx) {
    switch (block.type) {
      case "header":
        return el("h3", { class: "bk-header", text: plain(block.text) });
      case "section": return renderSection(block, ctx);
      case "context":
        return el("div", { class: "bk-context" }, (block.elements || []).map((item) =>
          item.type === "image"
            ? el("img", { src: item.image_url, alt: item.alt_text || "", class: "bk-context-img" })
            : textObject(item, "bk-context-text")));
      case "divider": return el("hr", { class: "bk-divider" });
      case "actions":
        return el("div", { class: "bk-actions" },
          (block.elements || []).map((element) => renderElement(element, block, ctx, null)));
      case "input": return renderInput(block, ctx);
      case "image":
        return el("figure", { class: "bk-image" },
          el("img", { src: block.image_url, alt: block.alt_text || "" }),
          block.title ? el("figcaption", { text: plain(block.title) }) : null);
      case "rich_text": return renderRichText(block);
      default:
        return el("p", { class: "bk-unknown", text: tr("blocks.unsupported", { type: block.type }) });
    }
  }

  function renderSection(block, ctx) {
    const body = el("div", { class: "bk-section-body" });
    if (block.text) body.append(textObject(block.text));
    if (block.fields && block.fields.length) {
      body.append(el("div", { class: "bk-fields" }, block.fields.map((f) => textObject(f, "bk-field"))));
    }
    const section = el("div", { class: "bk-section" }, body);
    if (block.accessory) {
      const labelId = nextId("section");
      body.id = labelId;
      section.append(el("div", { class: "bk-accessory" },
        renderElement(block.accessory, block, ctx, labelId)));
    }
    return section;
  }

  function renderRichText(block) {
    const box = el("div", { class: "bk-rich mrkdwn" });
    const styled = (item) => {
      let node;
      if (item.type === "link") {
        node = el("a", { href: item.url, target: "_blank", rel: "noopener noreferrer" }, item.text || item.url);
      } else if (item.type === "user") {
        node = el("span", { class: "mention" }, `@${(page.state && page.state.users[item.user_id]) || item.user_id}`);
      } else if (item.type === "channel") {
        node = el("span", { class: "mention" }, `#${(page.state && page.state.channels[item.channel_id]) || item.channel_id}`);
      } else if (item.type === "emoji") {
        node = document.createTextNode(item.unicode ? String.fromCodePoint(parseInt(item.unicode, 16)) : `:${item.name}:`);
      } else {
        node = document.createTextNode(item.text || "");
      }
      const style = item.style || {};
      if (style.code) node = el("code", {}, node);
      if (style.bold) node = el("strong", {}, node);
      if (style.italic) node = el("em", {}, node);
      if (style.strike) node = el("s", {}, node);
      return node;
    };
    for (const part of block.elements || []) {
      if (part.type === "rich_text_list") {
        const list = el(part.style === "ordered" ? "ol" : "ul");
        for (const item of part.elements || []) list.append(el("li", {}, (item.elements || []).map(styled)));
        box.append(list);
      } else if (part.type === "rich_text_preformatted") {
        box.append(el("pre", {}, (part.elements || []).map(styled)));
      } else if (part.type === "rich_text_quote") {
        box.append(el("blockquote", {}, (part.elements || []).map(styled)));
      } else {
        box.append(el("p", {}, (part.elements || []).map(styled)));
      }
    }
    return box;
  }

  function options(element) {
    const all = [...(element.options || [])];
    for (const group of element.option_groups || []) all.push(...(group.options || []));
    return all;
  }

  function optionList(select, element, chosen, withPlaceholder) {
    if (withPlaceholder) {
      select.append(el("option", { value: "", text: plain(element.placeholder) || tr("blocks.choose") }));
    }
    const add = (parent, option) => parent.append(el("option", {
      value: option.value, text: plain(option.text), selected: chosen.includes(option.value),
    }));
    for (const option of element.options || []) add(select, option);
    for (const group of element.option_groups || []) {
      const optgroup = el("optgroup", { label: plain(group.label) });
      for (const option of group.options || []) add(optgroup, option);
      select.append(optgroup);
    }
  }

  function peopleOptions(select, element, chosen, withPlaceholder) {
    const people = page.state ? page.state.people : [];
    optionList(select, { placeholder: element.placeholder, options: people.map((p) => ({
      value: p.id, text: { text: p.name },
    })) }, chosen, withPlaceholder);
  }

  function channelOptions(select, element, chosen, withPlaceholder) {
    const channels = page.state ? page.state.channels : {};
    optionList(select, { placeholder: element.placeholder, options: Object.entries(channels).map(([id, name]) => ({
      value: id, text: { text: `#${name}` },
    })) }, chosen, withPlaceholder);
  }

  /* Interactive elements outside input blocks: every change is a block action. */
  function renderElement(element, block, ctx, labelledBy) {
    const send = (value) => act("select", { action_id: element.action_id, value, ...ctx.where });
    const label = plain(element.placeholder) || (element.text ? plain(element.text) : "");
    switch (element.type) {
      case "button": return renderButton(element, ctx);
      case "static_select":
      case "external_select": {
        const select = el("select", { "aria-label": label || null, "aria-labelledby": label ? null : labelledBy });
        const chosen = element.initial_option ? [element.initial_option.value] : [];
        optionList(select, element, chosen, !chosen.length);
        select.addEventListener("change", () => select.value && send(select.value));
        return select;
      }
      case "users_select": {
        const select = el("select", { "aria-label": label || tr("blocks.person") });
        peopleOptions(select, element, element.initial_user ? [element.initial_user] : [], !element.initial_user);
        select.addEventListener("change", () => select.value && send(select.value));
        return select;
      }
      case "conversations_select":
      case "channels_select": {
        const select = el("select", { "aria-label": label || tr("blocks.channel") });
        const initial = element.initial_conversation || element.initial_channel;
        channelOptions(select, element, initial ? [initial] : [], !initial);
        select.addEventListener("change", () => select.value && send(select.value));
        return select;
      }
      case "datepicker": {
        const input = el("input", { type: "date", value: element.initial_date || null, "aria-label": label || tr("blocks.date") });
        input.addEventListener("change", () => input.value && send(input.value));
        return input;
      }
      case "timepicker": {
        const input = el("input", { type: "time", value: element.initial_time || null, "aria-label": label || tr("blocks.time") });
        input.addEventListener("change", () => input.value && send(input.value));
        return input;
      }
      case "overflow": return renderOverflow(element, send);
      case "image":
        return el("img", { src: element.image_url, alt: element.alt_text || "", class: "bk-accessory-img" });
      case "radio_buttons":
      case "checkboxes": {
        const group = renderChoices(element, nextId("choice"), labelledBy);
        group.addEventListener("change", () => {
          const picked = [...group.querySelectorAll("input:checked")].map((i) => i.value);
          send(element.type === "checkboxes" ? picked : picked[0]);
        });
        return group;
      }
      default:
        return el("span", { class: "bk-unknown", text: tr("blocks.unsupported", { type: element.type }) });
    }
  }

  function renderButton(element, ctx) {
    const style = element.style ? ` btn-${element.style}` : "";
    const text = plain(element.text);
    if (element.url) {
      return el("a", { class: `btn${style}`, href: element.url, target: "_blank", rel: "noopener noreferrer" }, text);
    }
    const button = el("button", { type: "button", class: `btn${style}`, text });
    button.addEventListener("click", async () => {
      if (element.confirm) {
        const c = element.confirm;
        const question = `${plain(c.title)}\n\n${plain(c.text)}`;
        if (!window.confirm(question)) return;
      }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      await act("click", { action_id: element.action_id, value: element.value ?? null, ...ctx.where });
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
    return button;
  }

  function renderOverflow(element, send) {
    const menuId = nextId("menu");
    const toggle = el("button", {
      type: "button", class: "btn btn-overflow", "aria-haspopup": "true",
      "aria-expanded": "false", "aria-controls": menuId, "aria-label": tr("blocks.more"),
    }, "⋯");
    const menu = el("ul", { id: menuId, class: "overflow-menu", hidden: true });
    const close = () => { menu.hidden = true; toggle.setAttribute("aria-expanded", "false"); };
    for (const option of element.options || []) {
      const item = el("button", { type: "button", class: "overflow-item", text: plain(option.text) });
      item.addEventListener("click", () => { close(); toggle.focus(); send(option.value); });
      menu.append(el("li", {}, item));
    }
    toggle.addEventListener("click", () => {
      const open = menu.hidden;
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) { const first = menu.querySelector("button"); if (first) first.focus(); }
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { close(); toggle.focus(); }
    });
    return el("div", { class: "overflow" }, toggle, menu);
  }

  function renderChoices(element, name, labelledBy) {
    const multi = element.type === "checkboxes";
    const chosen = multi
      ? (element.initial_options || []).map((o) => o.value)
      : element.initial_option ? [element.initial_option.value] : [];
    const group = el("div", { class: "choices", role: multi ? "group" : "radiogroup", "aria-labelledby": labelledBy });
    for (const option of options(element)) {
      const id = nextId("opt");
      group.append(el("div", { class: "choice" },
        el("input", { type: multi ? "checkbox" : "radio", id, name, value: option.value, checked: chosen.includes(option.value) }),
        el("label", { for: id }, plain(option.text)),
        option.description ? el("span", { class: "choice-desc", text: plain(option.description) }) : null));
    }
    return group;
  }

  /* Input blocks (modals): values stay in the form until submit, as in Slack. */
  function renderInput(block, ctx) {
    const element = block.element || {};
    const id = nextId("input");
    const labelId = `${id}-label`;
    const hintId = block.hint ? `${id}-hint` : null;
    const error = (ctx.errors || {})[block.block_id];
    const errorId = error ? `${id}-error` : null;
    const described = [hintId, errorId].filter(Boolean).join(" ") || null;
    const labelText = plain(block.label);
    const optional = block.optional ? el("span", { class: "optional", text: ` ${tr("form.optional")}` }) : null;
    const grouped = element.type === "radio_buttons" || element.type === "checkboxes";
    const label = grouped
      ? el("p", { class: "bk-label", id: labelId }, labelText, optional)
      : el("label", { class: "bk-label", for: id, id: labelId }, labelText, optional);
    const control = inputControl(element, id, labelId, ctx.drafts[block.block_id]);
    for (const node of [control, ...control.querySelectorAll("input, select, textarea")]) {
      if (["INPUT", "SELECT", "TEXTAREA"].includes(node.tagName)) {
        if (described) node.setAttribute("aria-describedby", described);
        if (error) node.setAttribute("aria-invalid", "true");
        if (!block.optional && !grouped) node.setAttribute("aria-required", "true");
      }
    }
    control.dataset.blockId = block.block_id;
    control.dataset.kind = element.type;
    control.classList.add("bk-control");
    const remember = () => { ctx.drafts[block.block_id] = readControl(control); };
    control.addEventListener("input", remember);
    control.addEventListener("change", remember);
    if (block.dispatch_action && element.type !== "plain_text_input") {
      control.addEventListener("change", () => {
        const value = readControl(control);
        if (value !== null) act("select", { action_id: element.action_id, value, ...ctx.where });
      });
    }
    return el("div", { class: `bk-input${error ? " has-error" : ""}`, "data-block-id": block.block_id },
      label, control,
      block.hint ? el("p", { class: "bk-hint", id: hintId, text: plain(block.hint) }) : null,
      error ? el("p", { class: "bk-error", id: errorId }, el("span", { "aria-hidden": "true" }, "⚠ "), error) : null);
  }

  function inputControl(element, id, labelId, draft) {
    const has = draft !== undefined;
    switch (element.type) {
      case "plain_text_input": {
        const value = has ? draft : element.initial_value;
        const attrs = {
          id, placeholder: plain(element.placeholder) || null,
          maxlength: element.max_length || null, minlength: element.min_length || null,
        };
        if (element.multiline) {
          const area = el("textarea", { ...attrs, rows: 4 });
          area.value = value || "";
          return area;
        }
        return el("input", { ...attrs, type: "text", value: value || "" });
      }
      case "number_input":
        return el("input", {
          id, type: "text", inputmode: element.is_decimal_allowed ? "decimal" : "numeric",
          value: (has ? draft : element.initial_value) || "", placeholder: plain(element.placeholder) || null,
        });
      case "email_text_input":
        return el("input", { id, type: "email", value: (has ? draft : element.initial_value) || "" });
      case "url_text_input":
        return el("input", { id, type: "url", value: (has ? draft : element.initial_value) || "" });
      case "static_select":
      case "external_select": {
        const select = el("select", { id });
        const chosen = has ? [draft].filter(Boolean) : element.initial_option ? [element.initial_option.value] : [];
        optionList(select, element, chosen, true);
        return select;
      }
      case "multi_static_select": {
        const select = el("select", { id, multiple: true, size: Math.min(6, options(element).length) });
        const chosen = has ? draft || [] : (element.initial_options || []).map((o) => o.value);
        optionList(select, element, chosen, false);
        return select;
      }
      case "users_select": {
        const select = el("select", { id });
        peopleOptions(select, element, has ? [draft].filter(Boolean) : [element.initial_user].filter(Boolean), true);
        return select;
      }
      case "multi_users_select": {
        const select = el("select", { id, multiple: true, size: 6 });
        peopleOptions(select, element, has ? draft || [] : element.initial_users || [], false);
        return select;
      }
      case "conversations_select":
      case "channels_select": {
        const select = el("select", { id });
        const initial = element.initial_conversation || element.initial_channel;
        channelOptions(select, element, has ? [draft].filter(Boolean) : [initial].filter(Boolean), true);
        return select;
      }
      case "datepicker":
        return el("input", { id, type: "date", value: (has ? draft : element.initial_date) || "" });
      case "timepicker":
        return el("input", { id, type: "time", value: (has ? draft : element.initial_time) || "" });
      case "radio_buttons":
      case "checkboxes": {
        const group = renderChoices(element, id, labelId);
        if (has) {
          const wanted = Array.isArray(draft) ? draft : [draft];
          for (const input of group.querySelectorAll("input")) input.checked = wanted.includes(input.value);
        }
        return group;
      }
      default:
        return el("p", { id, class: "bk-unknown", text: tr("blocks.unsupported", { type: element.type }) });
    }
  }

  function readControl(control) {
    const kind = control.dataset.kind;
    if (kind === "radio_buttons") {
      const checked = control.querySelector("input:checked");
      return checked ? checked.value : null;
    }
    if (kind === "checkboxes") {
      return [...control.querySelectorAll("input:checked")].map((i) => i.value);
    }
    if (control.tagName === "SELECT" && control.multiple) {
      return [...control.selectedOptions].map((o) => o.value);
    }
    if ("value" in control) return control.value === "" ? null : control.value;
    return null;
  }

  // --- messages --------------------------------------------------------------------------

  function teams() {
    return page.platform === "teams" && page.state && page.state.teams;
  }

  function conversations() {
    return teams() ? page.state.teams.conversations : page.state.conversations;
  }

  /* A button on a Teams card: Action.Execute goes to the bot as an invoke; an Action.Submit
   * that asks for task/fetch opens a dialog. */
  async function teamsAction(message, action, button) {
    if (button) button.disabled = true;
    if (message) await act("teams_action", { activity_id: message.id, action });
    else await submitTeamsDialog(action);
    if (button && button.isConnected) button.disabled = false;
    await refresh();
  }

  function messageBody(message) {
    if (message.cards && message.cards.length) {
      return message.cards.map((content) => NetvaerkTeams.card(content, {
        action: (action, button) => teamsAction(message, action, button),
      }));
    }
    if (teams()) return NetvaerkTeams.markdown(message.text || "");
    const where = { message_ts: message.ts };
    return message.blocks && message.blocks.length
      ? renderBlocks(message.blocks, { where, drafts: {} })
      : mrkdwn(message.text);
  }

  function renderMessage(message) {
    const body = messageBody(message);
    const files = (message.files || []).map((file) => el("a", {
      class: "file", href: `/api/files/${encodeURIComponent(file.id)}`, download: file.name || true,
    }, file.title || file.name));
    const classes = ["message", message.bot ? "from-bot" : "from-person"];
    if (message.ephemeral) classes.push("ephemeral");
    return el("article", { class: classes.join(" "), "data-ts": message.ts, tabindex: "-1" },
      el("div", { class: "avatar", "aria-hidden": "true", text: message.bot ? "N" : (message.author || "?").slice(0, 1) }),
      el("div", { class: "message-main" },
        el("header", { class: "message-head" },
          el("span", { class: "author", text: message.author }),
          message.bot ? el("span", { class: "app-badge", text: tr("message.app") }) : null,
          el("time", { class: "when", datetime: new Date(parseFloat(message.ts) * 1000).toISOString(), text: formatTime(message.ts) }),
          message.ephemeral ? el("span", { class: "ephemeral-note", text: tr("message.only_you") }) : null),
        body, files.length ? el("div", { class: "files" }, files) : null));
  }

  function renderConversation(conversation) {
    const box = $("messages");
    const changed = page.shownConversation !== conversation.id;
    if (changed) {
      box.replaceChildren();
      page.messageCache.clear();
      page.shownConversation = conversation.id;
    }
    const atBottom = changed || box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    const seen = new Set();
    let previous = null;
    let focusLost = false;
    for (const message of conversation.messages) {
      seen.add(message.ts);
      const hash = JSON.stringify(message);
      let cached = page.messageCache.get(message.ts);
      if (!cached || cached.hash !== hash) {
        const element = renderMessage(message);
        if (cached) {
          focusLost = focusLost || cached.element.contains(document.activeElement);
          cached.element.replaceWith(element);
        }
        cached = { hash, element };
        page.messageCache.set(message.ts, cached);
        if (focusLost) { element.focus(); focusLost = false; }
      }
      const wanted = previous ? previous.nextSibling : box.firstChild;
      if (wanted !== cached.element) box.insertBefore(cached.element, wanted);
      previous = cached.element;
    }
    for (const [ts, cached] of page.messageCache) {
      if (!seen.has(ts)) { cached.element.remove(); page.messageCache.delete(ts); }
    }
    if (!conversation.messages.length) {
      box.replaceChildren(el("p", { class: "empty", text: tr(conversation.kind === "dm" ? "empty.dm" : "empty.channel") }));
      page.messageCache.clear();
    } else {
      const empty = box.querySelector(".empty");
      if (empty) empty.remove();
    }
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function renderHome() {
    const box = $("home");
    const home = page.state.home;
    const hash = JSON.stringify(home);
    if (hash === page.homeHash) return;
    page.homeHash = hash;
    if (!home) {
      box.replaceChildren(el("p", { class: "empty", text: tr("home.empty") }));
      return;
    }
    box.replaceChildren(renderBlocks(home.blocks, { where: { view_id: home.id }, drafts: {} }));
  }

  // --- the modal -------------------------------------------------------------------------

  function closeFrame(root) {
    const back = page.modal.returnFocus;
    root.replaceChildren();
    page.modal = { id: null, hash: null, errors: {}, drafts: {} };
    document.body.classList.remove("has-modal");
    if (back && back.isConnected && !back.closest(".modal")) back.focus();
    else if (!$("composer").hidden) $("composer-input").focus();
    else $("main").focus();
  }

  /* A dialog's frame: its title, the close button, Escape to close, Tab kept inside. */
  function modalFrame(title, body, onClose) {
    const titleId = nextId("modal-title");
    const x = el("button", { type: "button", class: "modal-x", "aria-label": tr("modal.close") }, "×");
    x.addEventListener("click", onClose);
    const dialog = el("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId },
      el("header", { class: "modal-head" }, el("h2", { id: titleId, text: title }), x), body);
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); onClose(); return; }
      trapFocus(event);
    });
    return { dialog, x };
  }

  /* The Teams dialog (task module) the bot opened: its card, with the inputs and the submit
   * button the bot rendered. */
  function renderTeamsDialog() {
    const root = $("modal-root");
    const shown = page.state.teams.dialog;
    if (!shown) {
      if (page.modal.id) closeFrame(root);
      return;
    }
    const hash = JSON.stringify(shown);
    if (hash === page.modal.hash) return;
    const isNew = !page.modal.id;
    if (isNew) page.modal.returnFocus = document.activeElement;
    page.modal.id = "teams-dialog";
    page.modal.hash = hash;
    const handlers = { action: (action, button) => teamsAction(null, action, button) };
    const body = el("div", { class: "modal-body teams-dialog" },
      el("div", { class: "blocks" }, NetvaerkTeams.card(shown.card, handlers)));
    page.modal.inputs = handlers.inputs;
    const { dialog, x } = modalFrame(shown.title, body, closeTeamsDialog);
    root.replaceChildren(el("div", { class: "backdrop" }, dialog));
    document.body.classList.add("has-modal");
    const invalid = dialog.querySelector("[role=alert]");
    const first = dialog.querySelector("input, select, textarea");
    ((invalid && first) || first || x).focus();
  }

  async function submitTeamsDialog(action) {
    const values = NetvaerkTeams.values(page.modal.inputs || []);
    await act("teams_submit", { data: { ...(action.data || {}), ...values } });
  }

  async function closeTeamsDialog() {
    await act("teams_close", {});
    await refresh();
  }

  function renderModal() {
    const root = $("modal-root");
    const view = page.state.modal;
    if (teams()) { renderTeamsDialog(); return; }
    if (!view) {
      if (page.modal.id) closeFrame(root);
      return;
    }
    const hash = JSON.stringify([view, page.modal.errors]);
    if (view.id === page.modal.id && hash === page.modal.hash) return;
    const isNew = view.id !== page.modal.id;
    if (isNew) {
      page.modal.returnFocus = page.modal.id ? page.modal.returnFocus : document.activeElement;
      page.modal.id = view.id;
      page.modal.drafts = {};
      page.modal.errors = {};
    }
    page.modal.hash = JSON.stringify([view, page.modal.errors]);
    const form = el("form", { class: "modal-body", novalidate: true });
    form.append(renderBlocks(view.blocks, {
      where: { view_id: view.id }, drafts: page.modal.drafts, errors: page.modal.errors,
    }));
    const closeText = view.close ? plain(view.close) : tr("modal.cancel");
    const closeButton = el("button", { type: "button", class: "btn", text: closeText });
    closeButton.addEventListener("click", closeModal);
    const footer = el("footer", { class: "modal-foot" }, closeButton,
      view.submit ? el("button", { type: "submit", class: "btn btn-primary", text: plain(view.submit) }) : null);
    form.append(footer);
    form.addEventListener("submit", (event) => { event.preventDefault(); submitModal(form, view); });
    const { dialog, x } = modalFrame(plain(view.title), form, closeModal);
    const active = document.activeElement;
    const activeBlock = active && active.closest ? active.closest("[data-block-id]") : null;
    root.replaceChildren(el("div", { class: "backdrop" }, dialog));
    document.body.classList.add("has-modal");
    if (isNew) {
      const first = dialog.querySelector(".modal-body input, .modal-body select, .modal-body textarea, .modal-body button");
      (first || x).focus();
    } else if (activeBlock) {
      const again = dialog.querySelector(`[data-block-id="${CSS.escape(activeBlock.dataset.blockId)}"] input, [data-block-id="${CSS.escape(activeBlock.dataset.blockId)}"] select, [data-block-id="${CSS.escape(activeBlock.dataset.blockId)}"] textarea`);
      if (again) again.focus();
    } else {
      const invalid = dialog.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
    }
  }

  function trapFocus(event) {
    if (event.key !== "Tab") return;
    const focusable = [...event.currentTarget.querySelectorAll("button, input, select, textarea, a[href]")]
      .filter((node) => !node.disabled && node.offsetParent !== null);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  async function submitModal(form, view) {
    const values = {};
    for (const control of form.querySelectorAll(".bk-control")) {
      values[control.dataset.blockId] = readControl(control);
    }
    const submit = form.querySelector("button[type=submit]");
    if (submit) submit.disabled = true;
    const answer = await act("submit", { view_id: view.id, values });
    if (submit) submit.disabled = false;
    if (!answer) return;
    page.modal.errors = answer.errors || {};
    page.modal.hash = null;
    if (!answer.ok && Object.keys(page.modal.errors).length) {
      announce(tr("modal.has_errors", { count: Object.keys(page.modal.errors).length }));
    }
    await refresh();
  }

  async function closeModal() {
    if (!page.modal.id) return;
    await act("close", { view_id: page.modal.id });
    await refresh();
  }

  // --- the frame: who, clock, navigation ---------------------------------------------------

  function renderPeople() {
    const people = page.state.people;
    const hash = JSON.stringify(people);
    const select = $("who");
    if (hash !== page.peopleHash) {
      page.peopleHash = hash;
      select.replaceChildren(...people.map((p) => el("option", { value: p.id, text: `${p.name} – ${p.department}` })));
    }
    select.value = page.user;
    const me = people.find((p) => p.id === page.user);
    $("who-desc").textContent = me ? me.description : "";
  }

  function unread(conversation) {
    const seen = parseFloat(localStorage.getItem(`playground.seen.${page.user}.${conversation.id}`) || "0");
    return conversation.messages.filter((m) => m.bot && parseFloat(m.ts) > seen).length;
  }

  function markSeen(conversation) {
    const last = conversation.messages[conversation.messages.length - 1];
    if (last) localStorage.setItem(`playground.seen.${page.user}.${conversation.id}`, last.ts);
  }

  /* Navigation buttons are updated in place, never replaced, so keyboard focus stays put
   * while the page polls. */
  function syncNavButton(list, target, label, count, current) {
    let item = list.querySelector(`[data-target="${CSS.escape(target)}"]`);
    if (!item) {
      item = el("button", { type: "button", class: "nav-item", "data-target": target });
      list.append(el("li", {}, item));
    }
    if (!item.dataset.ready) {  // the page's own buttons get their handler on the first render
      item.dataset.ready = "1";
      item.addEventListener("click", () => go(target));
    }
    const signature = JSON.stringify([label, count, current]);
    if (item.dataset.signature === signature) return;
    item.dataset.signature = signature;
    item.classList.toggle("unread", Boolean(count));
    if (current) item.setAttribute("aria-current", "page"); else item.removeAttribute("aria-current");
    item.replaceChildren(label, ...(count ? [el("span", { class: "badge" },
      el("span", { class: "visually-hidden", text: ", " }), tr("nav.new", { count }))] : []));
  }

  function renderNav() {
    const [dm, ...channels] = conversations();
    const top = document.querySelector(".nav-list");
    const home = top.querySelector('[data-target="home"]');
    if (home) home.closest("li").hidden = Boolean(teams());  // Teams has no App Home
    syncNavButton(top, "home", tr("nav.home"), 0, page.target === "home");
    syncNavButton(top, "dm", tr("nav.messages"), page.target === "dm" ? 0 : unread(dm), page.target === "dm");
    const list = $("channel-list");
    const ids = new Set(channels.map((c) => c.id));
    for (const item of list.querySelectorAll("[data-target]")) {
      if (!ids.has(item.dataset.target)) item.closest("li").remove();
    }
    for (const c of channels) {
      syncNavButton(list, c.id, `# ${c.name}`, page.target === c.id ? 0 : unread(c), page.target === c.id);
    }
  }

  function currentConversation() {
    const [dm, ...channels] = conversations();
    if (page.target === "dm" || (page.target === "home" && teams())) return dm;
    if (page.target === "home") return dm;
    return channels.find((c) => c.id === page.target) || dm;
  }

  function render() {
    const state = page.state;
    $("clock-now").textContent = state.clock.label;
    $("clock-date").min = state.clock.date;
    renderPeople();
    renderNav();
    document.body.classList.toggle("teams", Boolean(teams()));
    $("platform").hidden = !state.teams;
    $("platform").textContent = tr(teams() ? "platform.to_slack" : "platform.to_teams");
    const home = page.target === "home" && !teams();
    const conversation = currentConversation();
    $("conversation-title").textContent = home
      ? tr("home.title")
      : conversation.kind === "dm" ? tr("conversation.dm_title") : `# ${conversation.name}`;
    $("conversation-sub").textContent = home
      ? tr("home.sub") : conversation.kind === "dm" ? tr("conversation.dm_sub") : tr("conversation.channel_sub");
    $("messages").hidden = home;
    $("composer").hidden = home;
    $("home").hidden = !home;
    if (home) renderHome(); else { renderConversation(conversation); markSeen(conversation); }
    renderModal();
    const warnings = state.warnings || [];
    $("warnings").replaceChildren(...(warnings.length ? warnings : [tr("dev.none")]).map((w) => el("li", { text: w })));
  }

  async function refresh() {
    if (!page.user) return;
    try {
      page.state = await api(`/api/state?user=${encodeURIComponent(page.user)}`);
      render();
    } catch (error) {
      toast(error.message);
    }
  }

  function schedulePoll(delay) {
    window.clearTimeout(page.pollTimer);
    page.pollTimer = window.setTimeout(async () => {
      if (!document.hidden && !page.busy) await refresh();
      schedulePoll(POLL_MS);
    }, delay);
  }

  async function go(target) {
    page.target = target;
    localStorage.setItem("playground.target", target);
    page.shownConversation = null;
    if (target === "home") {
      page.homeHash = null;
      await act("home", {});
    }
    await refresh();
    $("main").focus();
  }

  async function moveClock(body, button) {
    if (page.busy) return;
    page.busy = true;
    const controls = document.querySelectorAll(".clock button, .clock input");
    controls.forEach((c) => { c.disabled = true; });
    document.querySelector(".clock").setAttribute("aria-busy", "true");
    announce(tr("clock.moving"));
    const answer = await act("clock", body);
    page.busy = false;
    controls.forEach((c) => { c.disabled = false; });
    document.querySelector(".clock").removeAttribute("aria-busy");
    await refresh();
    if (answer) announce(tr("clock.moved", { time: page.state.clock.label }));
    if (button) button.focus();
  }

  async function sendComposer(event) {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    const conversation = currentConversation();
    const route = teams() ? "teams_message" : text.startsWith("/") ? "command" : "message";
    const answer = await act(route, { text, channel: conversation.id });
    if (answer) {
      input.value = "";
      announce(tr("composer.sent"));
    }
    await refresh();
  }

  async function start() {
    page.texts = await api(`/api/texts?lang=${encodeURIComponent(page.language)}`);
    // No person chosen yet (or one from an earlier demo): the server picks the first network
    // leader, so the story can start right away.
    const first = await api(`/api/state?user=${encodeURIComponent(page.user)}`)
      .catch(() => api("/api/state?user="));
    page.user = first.user;
    localStorage.setItem("playground.user", page.user);
    $("who").addEventListener("change", async (event) => {
      page.user = event.target.value;
      localStorage.setItem("playground.user", page.user);
      page.shownConversation = null;
      page.modal = { id: null, hash: null, errors: {}, drafts: {} };
      $("modal-root").replaceChildren();
      if (page.target === "home") await act("home", {});
      page.homeHash = null;
      await refresh();
      announce(tr("who.changed", { name: page.state.people.find((p) => p.id === page.user).name }));
    });
    $("clock-hour").addEventListener("click", (e) => moveClock({ step: "hour" }, e.currentTarget));
    $("clock-day").addEventListener("click", (e) => moveClock({ step: "day" }, e.currentTarget));
    $("clock-date-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("clock-date").value;
      if (value) moveClock({ step: "date", date: value }, null);
    });
    $("reset").addEventListener("click", async () => {
      if (!window.confirm(tr("reset.confirm"))) return;
      page.busy = true;
      await act("reset", {});
      page.busy = false;
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("playground.seen.")) localStorage.removeItem(key);
      }
      page.shownConversation = null;
      page.homeHash = null;
      await refresh();
      announce(tr("reset.done"));
    });
    $("language").addEventListener("click", async () => {
      const other = page.language === "da" ? "en" : "da";
      const answer = await act("language", { language: other });
      if (answer) window.location.assign(`/?lang=${other}`);
    });
    $("composer").addEventListener("submit", sendComposer);
    $("platform").addEventListener("click", async () => {
      page.platform = teams() ? "slack" : "teams";
      localStorage.setItem("playground.platform", page.platform);
      page.shownConversation = null;
      page.homeHash = null;
      page.modal = { id: null, hash: null, errors: {}, drafts: {} };
      $("modal-root").replaceChildren();
      document.body.classList.remove("has-modal");
      await act(page.platform === "teams" ? "teams_open" : "slack_open", {});
      await refresh();
      announce(tr(teams() ? "platform.now_teams" : "platform.now_slack"));
    });
    for (const chip of document.querySelectorAll(".chip")) {
      chip.addEventListener("click", () => {
        const input = $("composer-input");
        // In Teams the commands are plain messages: "netvaerk book", not "/netvaerk book".
        const text = teams() ? chip.dataset.text.replace(/^\//, "") : chip.dataset.text;
        input.value = text + " ";
        input.focus();
      });
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        for (const menu of document.querySelectorAll(".overflow-menu:not([hidden])")) menu.hidden = true;
      }
    });
    if (page.platform === "teams") await act("teams_open", {});
    await refresh();
    if (page.target === "home") await act("home", {});
    schedulePoll(POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((error) => toast(error.message));
  });
})();

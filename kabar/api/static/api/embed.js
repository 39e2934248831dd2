/* Kabar's comment widget for other sites, served at /embed.js:
     <script src="https://kabar.example/embed.js" data-kabar-site="KEY" async></script>
     <div id="kabar-komentar"><a href="…">Baca komentar di Kabar</a></div>
   draws the page's thread and the reply form from /api/v1/ in a shadow root (the host's CSS
   cannot reach in, ours cannot leak out), lets readers edit or delete their own comments
   within the edit window and report others' in place, and fills links marked
   data-kabar-count with their counts, one request for all. Hand-written, no build step:
   this file is what is served.
   Indonesian unless the page (<html lang>, or data-kabar-lang) is English. The host reserves
   the thread's space (#kabar-komentar{min-height:…}) so nothing below moves as it loads; the
   widget keeps at least the placeholder's height until it has drawn. */
((d) => {
  "use strict";
  const me = d.currentScript || d.querySelector("script[data-kabar-site]");
  if (!me) return;
  const api = new URL("api/v1/", me.src);
  const site = me.dataset.kabarSite || "";
  const lang = /^en/i.test(me.dataset.kabarLang || d.documentElement.lang) ? "en" : "id";
  // The same words as Kabar's own pages (its catalogues' translations), then the widget's own.
  const S = {
    id: {
      count: (n) => n + " komentar",
      comments: "Komentar",
      leave: "Tinggalkan Balasan",
      replyTo: "Balas ke %s",
      cancel: "Batalkan balasan",
      required: "Ruas yang wajib ditandai",
      remember: "Simpan nama, email, dan situs web saya pada peramban ini untuk komentar saya berikutnya.",
      post: "Kirim Komentar",
      awaiting: "Komentar Anda sedang menunggu moderasi.",
      removed: "Komentar dihapus",
      staff: "Redaksi",
      edited: "(disunting)",
      reply: "Balas",
      report: "Laporkan",
      reportBy: "Laporkan komentar dari %s",
      pages: "Halaman komentar",
      pagesEnd: "Halaman komentar (bawah)",
      older: "Komentar lebih lama",
      newer: "Komentar lebih baru",
      closed: "Komentar ditutup.",
      honeypot: "Biarkan ruas ini kosong",
      privacy: "Komentar dan data Anda: minta salinan atau hapus",
      edit: "Sunting",
      editYours: "Sunting komentar Anda",
      until: "Anda dapat mengubahnya hingga %s; aturan moderasi akan memeriksanya lagi saat Anda menyimpan.",
      save: "Simpan perubahan",
      no: "Batal",
      del: "Hapus",
      delAsk: "Hapus komentar Anda?",
      stays: "Komentar ini memiliki balasan: balasan tersebut tetap ada, di bawah penanda “Komentar dihapus”.",
      delYes: "Hapus komentar",
      keep: "Jangan hapus",
      why: "Apa yang salah dengan komentar ini?",
      note: "Hal yang perlu diketahui moderator (opsional)",
      send: "Kirim laporan",
      sent: "Laporan Anda telah dikirim ke moderator.",
      again: "Anda sudah melaporkan komentar ini. Moderator akan memeriksanya.",
      loading: "Memuat komentar…",
      failed: "Komentar tidak dapat dimuat. Silakan coba lagi nanti.",
      unsent: "Komentar Anda belum terkirim karena sambungan terputus. Teks Anda masih di sini: silakan kirim lagi.",
      published: "Komentar Anda sudah terbit.",
      lost: "Sambungan terputus. Silakan coba lagi.",
    },
    en: {
      count: (n) => n + (n == 1 ? " comment" : " comments"),
      comments: "Comments",
      leave: "Leave a Reply",
      replyTo: "Reply to %s",
      cancel: "Cancel reply",
      required: "Required fields are marked",
      remember: "Save my name, email, and website in this browser for the next time I comment.",
      post: "Post Comment",
      awaiting: "Your comment is awaiting moderation.",
      removed: "Comment deleted",
      staff: "Newsroom",
      edited: "(edited)",
      reply: "Reply",
      report: "Report",
      reportBy: "Report the comment by %s",
      pages: "Comment pages",
      pagesEnd: "Comment pages (bottom)",
      older: "Older comments",
      newer: "Newer comments",
      closed: "Comments are closed.",
      honeypot: "Leave this field empty",
      privacy: "Your comments and your data: get a copy or erase them",
      edit: "Edit",
      editYours: "Edit your comment",
      until: "You can change it until %s; the moderation rules check it again when you save.",
      save: "Save changes",
      no: "Cancel",
      del: "Delete",
      delAsk: "Delete your comment?",
      stays: "It has replies: they stay, under a “Comment deleted” placeholder.",
      delYes: "Delete comment",
      keep: "Keep it",
      why: "What is wrong with this comment?",
      note: "Anything moderators should know (optional)",
      send: "Send report",
      sent: "Your report has been sent to the moderators.",
      again: "You have already reported this comment. Moderators will look at it.",
      loading: "Loading comments…",
      failed: "The comments could not be loaded. Please try again later.",
      unsent: "Your comment was not sent: the connection failed. Your text is still here: please send it again.",
      published: "Your comment is published.",
      lost: "The connection failed. Please try again.",
    },
  }[lang];
  const fill = (text, name) => text.replace("%s", () => name);
  const OWN = "kabar-own " + api.origin;
  const ME = "kabar-commenter " + api.origin;
  const TRUST = "kabar-trust " + api.origin;
  const store = (key, value) => {
    try {
      if (value === undefined) return localStorage.getItem(key) || "";
      value ? localStorage.setItem(key, value) : localStorage.removeItem(key);
    } catch (e) {
      return ""; // storage refused (private mode, blocked): nothing remembered
    }
  };

  // Back from the page that confirmed the reader's address: its link carries the proof
  // that this browser is theirs (#kabar-trust=…); kept, and taken out of the address bar.
  const back = /^#kabar-trust=([\w.,:-]+)$/.exec(location.hash);
  if (back) {
    store(TRUST, back[1]);
    history.replaceState(history.state, "", location.pathname + location.search);
  }

  function h(tag, props, kids) {
    const el = d.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k == "text") el.textContent = v;
      else if (k == "html") el.innerHTML = v; // body_html: escaped and linked by Kabar
      else if (k == "on") el.addEventListener(v[0], v[1]);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids || []) if (kid || kid === 0) el.append(kid);
    return el;
  }

  // One API call: {status, data}; status 0 when no answer could be read (offline, or an
  // origin whose refusal the browser hides).
  async function call(path, params, body, method) {
    const url = new URL(path, api);
    url.search = new URLSearchParams([...params, ["lang", lang]]);
    const headers = {};
    const proof = store(OWN);
    if (proof && path != "counts") headers["Kabar-Own"] = proof;
    if (body) headers["Content-Type"] = "application/json";
    if (body && store(TRUST)) headers["Kabar-Trust"] = store(TRUST);
    try {
      const r = await fetch(url, {
        method: method || (body ? "POST" : "GET"),
        headers,
        body: body && JSON.stringify(body),
        credentials: "omit",
      });
      return { status: r.status, data: await r.json().catch(() => ({})) };
    } catch (e) {
      return { status: 0, data: {} };
    }
  }

  async function counts() {
    const links = [...d.querySelectorAll("[data-kabar-count]")];
    const target = (el) => el.dataset.kabarCount || el.href;
    const urls = [...new Set(links.map(target).filter(Boolean))];
    for (let i = 0; i < urls.length; i += 100) {
      const part = urls.slice(i, i + 100);
      // A long list goes in a POST body rather than a URL a server may cut.
      const { status, data } =
        part.join("").length > 1500
          ? await call("counts", [], { urls: part, site })
          : await call("counts", [...part.map((u) => ["url", u]), ["site", site]]);
      if (status != 200) continue;
      for (const el of links) {
        const n = data.counts[target(el)];
        if (n != null) el.textContent = S.count(n);
      }
    }
  }

  const CSS = `
:host{all:initial;display:block;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--kabar-text,#1f1f1f);background:var(--kabar-bg,#fff);--a:var(--kabar-link,#0b57d0);--m:#555}
*{box-sizing:border-box}h2{font-size:1.375em;margin:0 0 .75em}h3{font-size:1.125em;margin:1.25em 0 .5em}
a{color:var(--a)}ol,nav ul{list-style:none;margin:0;padding:0}
.children{margin-left:1em;padding-left:1em;border-left:2px solid #ddd}
article{padding:.75em 0;border-top:1px solid #ddd}
.m{display:flex;flex-wrap:wrap;gap:.25em .6em;align-items:center;font-size:.875em;color:var(--m)}
.m a{color:var(--m)}.m b a{color:var(--a)}.m b{min-width:0;overflow-wrap:anywhere}.av{border-radius:50%}.staff{font-weight:600}
.t{overflow-wrap:anywhere}.t p{margin:.5em 0}.wait,.gone{font-style:italic;color:var(--m)}
.act{display:flex;gap:1em;margin:.25em 0;font-size:.875em}
button{font:inherit;cursor:pointer;min-height:24px}
.lnk{background:none;border:0;padding:0;color:var(--a);text-decoration:underline}h3 .lnk{font-size:.8em;font-weight:400}
nav ul{display:flex;flex-wrap:wrap;gap:.5em 1em;margin:1em 0}
label{display:block;font-weight:600}.ck label{display:inline;font-weight:400}
input,textarea{font:inherit;color:inherit;background:#fff;width:100%;max-width:40em;padding:.4em;border:1px solid #767676;border-radius:3px}
input[type=checkbox],input[type=radio]{width:24px;height:24px;vertical-align:middle}[aria-invalid=true]{border-color:#b3261e}
fieldset{border:0;padding:0;margin:.5em 0}legend{font-weight:600}fieldset label{font-weight:400}
.err,.ferr{color:#b3261e}.err{display:block}.req{color:#b3261e}
.go{background:var(--a);color:#fff;border:0;border-radius:3px;padding:.6em 1.2em}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
.sr,.hp{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.fine{font-size:.875em}`;

  function widget(box) {
    if (box.shadowRoot || !box.attachShadow) return;
    // The placeholder's space is kept until the thread is drawn: nothing below it moves.
    box.style.minHeight = box.offsetHeight + "px";
    const root = box.attachShadow({ mode: "open" });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.append(h("style", { text: CSS }));
    }
    const when = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
    const url = location.href.split("#")[0];
    const title = d.title.trim().slice(0, 255);
    const where = [["url", url], ["site", site], ["title", title]];
    const main = h("section", { lang }, [h("p", { role: "status", text: S.loading })]);
    root.append(main);
    const clock = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
    let thread, order, form, spec, heading, list, navs, notice, replyButton;

    async function load(page, focus) {
      const { status, data } = await call("threads", page ? [...where, ["page", page]] : where);
      box.style.minHeight = "";
      const alert = status != 200 && h("p", { class: "ferr", role: "alert", text: data.detail || S.failed });
      if (!heading) {
        // Refused (an unregistered site) or unreachable: say so, show the host's own link.
        if (alert) return main.replaceChildren(alert, h("slot"));
        setUp(data);
      }
      main.querySelector(":scope > .ferr")?.remove();
      // Another page that did not come: said above the list; the form stays as typed.
      if (alert) return heading.after(alert);
      draw(data);
      if (focus) heading.focus();
    }

    function setUp(data) {
      thread = data.thread;
      heading = h("h2", { id: "kh", tabindex: -1 });
      main.setAttribute("aria-labelledby", "kh");
      list = h("ol");
      navs = [h("nav", { "aria-label": S.pages }), h("nav", { "aria-label": S.pagesEnd })];
      notice = h("p", { class: "sr", role: "status" });
      spec = data.form;
      form = thread.comments_open ? reply(spec) : null;
      const closed = h("p", { text: thread.closed_reason || S.closed });
      const privacy = h("p", { class: "fine" }, [
        h("a", { href: new URL("comments/privacy/", me.src), rel: "nofollow", text: S.privacy }),
      ]);
      main.replaceChildren(heading, navs[0], list, navs[1], form ? form.respond : closed, privacy, notice);
    }

    function draw(data) {
      thread = data.thread;
      order = data.pagination.order;
      tally(0);
      if (form) form.home();
      list.replaceChildren(...data.comments.map(comment));
      for (const nav of navs) {
        nav.replaceChildren(...pager(data.pagination));
        nav.hidden = !nav.firstChild;
      }
    }

    function pager(p) {
      if (p.pages < 2) return [];
      const go = (n, text) =>
        h("li", {}, [h("button", { type: "button", class: "lnk", on: ["click", () => load(n, true)] }, [text])]);
      const items = [];
      if (p.page > 1) items.push(go(p.page - 1, order == "newest" ? S.newer : S.older));
      let last = 0;
      for (let n = 1; n <= p.pages; n++) {
        if (n > 1 && n < p.pages && Math.abs(n - p.page) > 2) continue;
        if (n - last > 1) items.push(h("li", { "aria-hidden": "true", text: "…" }));
        items.push(n == p.page ? h("li", {}, [h("span", { "aria-current": "page", text: n })]) : go(n, n));
        last = n;
      }
      if (p.page < p.pages) items.push(go(p.page + 1, order == "newest" ? S.older : S.newer));
      return [h("ul", {}, items)];
    }

    // The heading's count, `change` approved comments more.
    function tally(change) {
      thread.count += change;
      heading.textContent = thread.count ? S.count(thread.count) : S.comments;
      heading.className = thread.count ? "" : "sr";
    }

    const link = (text, label, click) =>
      h("button", { type: "button", class: "lnk", "aria-label": label, text, on: ["click", click] });
    const gone = () => h("p", { class: "gone", text: S.removed });

    function comment(c) {
      const li = h("li", { id: "c" + c.id });
      li.append(c.status == "removed" ? gone() : card(c, li));
      if (c.replies.length) li.append(h("ol", { class: "children" }, c.replies.map(comment)));
      return li;
    }

    function card(c, li) {
      const id = "c" + c.id;
      const a = c.author;
      const approved = c.status == "approved";
      // The author's own, while the edit window is open (the API's clock decides).
      const own = Date.parse(c.own?.editable_until) > Date.now();
      const answer =
        approved && thread.comments_open && link(S.reply, fill(S.replyTo, a.name), () => form.to(c, li, answer));
      const report = approved && link(S.report, fill(S.reportBy, a.name), () => reporting(c, act, report));
      const edit = own && link(S.edit, null, () => editing(c, li, el, edit));
      const del = own && link(S.del, null, () => deleting(c, li, act, del));
      const act = h("p", { class: "act" }, [answer, report, edit, del]);
      const el = h("article", { "aria-labelledby": id + "a", tabindex: -1 }, [
        h("footer", { class: "m" }, [
          h("img", { class: "av", src: a.avatar, alt: "", width: 40, height: 40, loading: "lazy" }),
          h("b", { id: id + "a", dir: "auto" }, [
            /^https?:/i.test(a.url) ? h("a", { href: a.url, rel: "external nofollow ugc", text: a.name }) : a.name,
          ]),
          a.staff && h("span", { class: "staff", text: S.staff }),
          h(c.permalink ? "a" : "span", { href: c.permalink }, [
            h("time", { datetime: c.created, text: when.format(new Date(c.created)) }),
          ]),
          c.edited && h("span", { text: S.edited }),
        ]),
        !approved && h("p", { class: "wait", text: S.awaiting }),
        h("div", { class: "t", dir: "auto", html: c.body_html }),
        act.firstChild && act,
      ]);
      return el;
    }

    // A small form in place of what it hides (after the first): `fields`, then the buttons
    // `words` name, to send and to cancel (back to what was hidden, focus to `back`).
    // `send()` answers {status, data}; anything but 200 is said above the form, as typed.
    function inPlace(hide, back, attrs, fields, words, send) {
      const el = h("form", { novalidate: true, ...attrs }, [
        ...fields,
        h("p", {}, [h("button", { class: "go", text: words[0] }), " ", link(words[1], null, close)]),
      ]);
      const show = (shown) => hide.forEach((e) => (e.hidden = !shown));
      function close() {
        el.remove();
        show(true);
        back.focus();
      }
      let busy = false;
      el.onsubmit = async (event) => {
        event.preventDefault();
        if (busy) return;
        busy = true;
        const { status, data } = await send();
        busy = false;
        if (status == 200) return;
        el.querySelector(".ferr")?.remove();
        const says = [data.detail, ...Object.values(data.errors || {}).flat()].filter(Boolean).join(" ");
        const alert = h("p", { class: "ferr", role: "alert", tabindex: -1, text: says || data.title || S.lost });
        el.prepend(alert);
        alert.focus();
      };
      show(false);
      hide[0].after(el);
      // The first thing to type or choose; to delete, the choice that keeps the comment.
      el.querySelector("textarea,input,.lnk").focus();
      return { el, show };
    }

    // The author's edit: the text as typed, in place of the comment's; saved, the comment
    // is drawn again as the API now shows it (held again, perhaps).
    function editing(c, li, el, button) {
      const id = "e" + c.id;
      const body = h("textarea", { id, rows: 6, dir: "auto", required: true, "aria-describedby": id + "n" });
      body.value = c.own.body;
      const until = fill(S.until, clock.format(new Date(c.own.editable_until)));
      const fields = [
        h("label", { for: id, text: S.editYours }),
        h("p", { id: id + "n", class: "fine", text: until }),
        body,
      ];
      inPlace([el.querySelector(".t"), el.querySelector(".act")], button, {}, fields, [S.save, S.no], async () => {
        const answer = await call("comments/" + c.id, [], { body: body.value }, "PATCH");
        const { status, data } = answer;
        if (status == 200) {
          store(OWN, data.own);
          const now = data.comment;
          tally((now.status == "approved") - (c.status == "approved"));
          const fresh = card(now, li);
          el.replaceWith(fresh);
          fresh.focus();
          notice.textContent = now.status == "approved" ? "" : S.awaiting;
        }
        return answer;
      });
    }

    // The author's deletion, once confirmed: gone, or the placeholder its replies keep.
    function deleting(c, li, act, button) {
      const replies = li.querySelector("ol");
      const fields = [h("p", { id: "q" + c.id, text: S.delAsk }), replies && h("p", { text: S.stays })];
      inPlace([act], button, { "aria-labelledby": "q" + c.id }, fields, [S.delYes, S.keep], async () => {
        const answer = await call("comments/" + c.id, [], null, "DELETE");
        if (answer.status == 200) {
          store(OWN, answer.data.own);
          if (form && li.contains(form.respond)) form.home();
          if (c.status == "approved") tally(-1);
          replies ? li.firstChild.replaceWith(gone()) : li.remove();
          heading.focus();
          notice.textContent = S.removed;
        }
        return answer;
      });
    }

    // A reader's report through the API: a reason (and a note), then the thanks.
    function reporting(c, act, button) {
      const name = "r" + c.id;
      const note = h("textarea", { id: name, rows: 3, dir: "auto", maxlength: spec.report_detail_max_length });
      const choices = spec.report_reasons.map((r) =>
        h("label", {}, [h("input", { type: "radio", name, value: r.value }), " ", r.label]),
      );
      const fields = [
        h("fieldset", {}, [h("legend", { text: S.why }), ...choices]),
        h("label", { for: name, text: S.note }),
        note,
      ];
      const label = { "aria-label": fill(S.reportBy, c.author.name) };
      const { el, show } = inPlace([act], button, label, fields, [S.send, S.no], async () => {
        const reason = el.querySelector(":checked")?.value || "";
        const answer = await call("comments/" + c.id + "/report", [], { reason, detail: note.value });
        if (answer.status == 200) {
          const text = answer.data.already_reported ? S.again : S.sent;
          const thanks = h("p", { role: "status", tabindex: -1, text });
          el.replaceWith(thanks);
          button.remove();
          show(true);
          thanks.focus();
        }
        return answer;
      });
    }

    // The reply form: Kabar's fields, labels and notices; moved under a comment to answer it.
    function reply(f) {
      let token = f.token;
      let parent = null;
      let busy = false;
      const input = {};
      const field = (name, tag, attrs) => {
        const spec = f.fields[name];
        input[name] = h(tag, { id: "f-" + name, name, required: spec.required, ...attrs });
        return h("p", {}, [
          h("label", { for: "f-" + name }, [
            spec.label,
            spec.required && " ",
            spec.required && h("span", { class: "req", "aria-hidden": "true", text: "*" }),
          ]),
          input[name],
        ]);
      };
      const check = (name, label) => {
        input[name] = h("input", { type: "checkbox", id: "f-" + name, name });
        return h("p", { class: "ck" }, [input[name], " ", h("label", { for: "f-" + name, text: label })]);
      };
      const titleText = d.createTextNode(S.leave);
      const cancel = h("button", { type: "button", class: "lnk", hidden: true, text: S.cancel });
      const submit = h("button", { class: "go", text: S.post });
      const hp = h("input", { id: "f-hp", name: f.honeypot, tabindex: -1, autocomplete: "off" });
      const el = h("form", { novalidate: true, "aria-labelledby": "kr" }, [
        h("p", { class: "fine" }, [
          h("span", { id: "kn", text: f.email_note }),
          " ",
          h("span", {}, [S.required, " ", h("span", { class: "req", "aria-hidden": "true", text: "*" })]),
        ]),
        field("body", "textarea", { rows: 8, dir: "auto" }),
        field("author_name", "input", { autocomplete: "name", dir: "auto" }),
        field("author_email", "input", { type: "email", autocomplete: "email", "aria-describedby": "kn" }),
        field("author_url", "input", { type: "url", autocomplete: "url" }),
        check("remember", S.remember),
        check("notify_replies", f.fields.notify_replies.label),
        h("p", { class: "hp", "aria-hidden": "true" }, [h("label", { for: "f-hp", text: S.honeypot }), hp]),
        h("p", {}, [submit]),
      ]);
      const respond = h("div", { id: "respond" }, [h("h3", { id: "kr" }, [titleText, " ", cancel]), el]);
      const home = () => {
        list.after(navs[1], respond);
        parent = null;
        titleText.data = S.leave;
        cancel.hidden = true;
      };

      let saved = null;
      try {
        saved = JSON.parse(store(ME) || "null");
      } catch (e) {
        // damaged: the reader types their details again
      }
      if (saved) {
        input.author_name.value = saved.name || "";
        input.author_email.value = saved.email || "";
        input.author_url.value = saved.url || "";
        input.remember.checked = true;
      }

      cancel.onclick = () => {
        home();
        replyButton?.focus();
      };

      function clear() {
        for (const old of root.querySelectorAll(".err,.ferr")) old.remove();
        for (const i of Object.values(input)) {
          i.removeAttribute("aria-invalid");
          if (i.name == "author_email") i.setAttribute("aria-describedby", "kn");
          else i.removeAttribute("aria-describedby");
        }
      }

      // A refusal: each message at its field (focus on the first), the rest above the form;
      // what the reader typed stays.
      function refused(status, data) {
        const errors = data.errors || {};
        const other = [];
        let first = null;
        for (const [name, messages] of Object.entries(errors)) {
          const i = input[name];
          if (!i || i.type == "checkbox") {
            other.push(...messages);
            continue;
          }
          const err = h("span", { class: "err", id: i.id + "-err", text: messages.join(" ") });
          i.before(err);
          i.setAttribute("aria-invalid", "true");
          i.setAttribute("aria-describedby", [err.id, i.getAttribute("aria-describedby")].filter(Boolean).join(" "));
          first = first || i;
        }
        const detail = [status ? data.detail || (first ? "" : data.title) : S.unsent, ...other].filter(Boolean);
        if (detail.length) {
          el.prepend(h("p", { class: "ferr", role: "alert", tabindex: -1, text: detail.join(" ") }));
        }
        (first || el.firstChild).focus();
      }

      el.onsubmit = async (event) => {
        event.preventDefault();
        if (busy) return;
        busy = true;
        submit.setAttribute("aria-disabled", "true");
        clear();
        const value = (name) => input[name].value;
        const { status, data } = await call("comments", [], {
          url,
          site,
          title,
          parent,
          body: value("body"),
          author_name: value("author_name"),
          author_email: value("author_email"),
          author_url: value("author_url"),
          notify_replies: input.notify_replies.checked,
          form_token: token,
          [f.honeypot]: hp.value,
        });
        busy = false;
        submit.removeAttribute("aria-disabled");
        if (data.form_token) token = data.form_token;
        if (status != 201) return refused(status, data);
        store(OWN, data.own);
        store(
          ME,
          input.remember.checked &&
            JSON.stringify({ name: value("author_name"), email: value("author_email"), url: value("author_url") }),
        );
        input.body.value = "";
        posted(data.comment);
      };

      // The new comment, where it belongs on this page; held ones are seen by their author only.
      function posted(c) {
        const li = comment(c);
        const above = c.parent && root.getElementById("c" + c.parent);
        if (above) {
          let children = above.querySelector(":scope > ol");
          if (!children) above.append((children = h("ol", { class: "children" })));
          children.append(li);
        } else if (order == "newest") list.prepend(li);
        else list.append(li);
        home();
        if (c.status == "approved") tally(1);
        li.firstChild.focus();
        notice.textContent = c.status == "approved" ? S.published : S.awaiting;
      }

      return {
        respond,
        home,
        to(c, li, button) {
          li.firstChild.after(respond);
          parent = c.id;
          titleText.data = fill(S.replyTo, c.author.name);
          cancel.hidden = false;
          replyButton = button;
          input.body.focus();
        },
      };
    }

    load();
  }

  function start() {
    counts();
    const box = d.getElementById("kabar-komentar");
    if (box) widget(box);
  }
  d.readyState == "loading" ? d.addEventListener("DOMContentLoaded", start) : start();
})(document);

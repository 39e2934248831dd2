/* The moderators' queue from the keyboard, over the plain forms that work without it:
   j/k move between comments, a approve, s spam, t trash, r reply as the newsroom, x select
   for a bulk action, u undo the last action (for a few seconds), ? the list of keys. Each
   action posts the card's own form with fetch, takes the card away and updates the counts
   on the tabs; a reply opens its form under the card instead of on a page of its own. */
(function () {
  "use strict";

  var UNDO_MS = 5000;
  var KEYS = { a: "approve", s: "spam", t: "trash" };
  var inFlight = new Set();
  var last = null; // {card, parent, next, undoUrl, token, timer}
  var current = null;

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-desk-card]"));
  }
  function dialog() {
    return document.getElementById("desk-keys");
  }
  function msg(name) {
    var d = dialog();
    return (d && d.dataset["msg" + name]) || "";
  }
  function announce(text) {
    var live = document.getElementById("desk-live");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 30);
  }
  function focusCard(card) {
    if (!card) return;
    current = card;
    var target = card.querySelector("[data-desk-focus]") || card;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  }
  function currentCard() {
    var active = document.activeElement;
    var card = active && active.closest ? active.closest("tr[data-desk-card]") : null;
    if (card) return card;
    if (current && current.isConnected) return current;
    return null;
  }
  function move(step) {
    var list = cards();
    if (!list.length) return;
    var card = currentCard();
    var index = card ? list.indexOf(card) + step : 0;
    focusCard(list[Math.max(0, Math.min(list.length - 1, index))]);
  }
  function updateCounts(counts) {
    if (!counts) return;
    var all = 0;
    Object.keys(counts).forEach(function (status) {
      all += counts[status];
    });
    document.querySelectorAll(".comment-queues a[data-queue]").forEach(function (tab) {
      var status = tab.dataset.queue;
      var value = status === "all" ? all : counts[status];
      var badge = tab.querySelector("[data-queue-count]");
      if (badge && value !== undefined) badge.textContent = String(value);
    });
  }
  function csrf(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  // One request at a time, in the order the keys were pressed: the answers (and the
  // counts they carry) arrive in order, and undo always follows the action it undoes.
  var queue = Promise.resolve();
  function post(url, form, body) {
    var token = csrf(form);
    var request = queue.then(function () {
      return fetch(url, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body: body,
        credentials: "same-origin",
      });
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) throw new Error("not json");
      return response.json().then(function (data) {
        data.ok = response.ok;
        return data;
      });
    });
    queue = request.catch(function () {});
    inFlight.add(request);
    request.then(
      function () { inFlight.delete(request); },
      function () { inFlight.delete(request); }
    );
    return request;
  }
  function failed() {
    announce(msg("Failed"));
    window.setTimeout(function () {
      window.location.reload();
    }, 1500);
  }
  function hideUndo() {
    var box = document.getElementById("desk-undo");
    if (box) box.hidden = true;
  }
  function offerUndo(text) {
    var box = document.getElementById("desk-undo");
    if (!box) return;
    box.querySelector("[data-desk-undo-text]").textContent = text;
    box.hidden = false;
    window.clearTimeout(last.timer);
    last.timer = window.setTimeout(function () {
      hideUndo();
      last = null;
    }, UNDO_MS);
  }
  function refillWhenEmpty() {
    if (cards().length) return;
    // The page is worked through: wait for the last answers, then load the next comments.
    Promise.allSettled(Array.from(inFlight)).then(function () {
      var badge = document.querySelector('.comment-queues a[aria-current="page"] [data-queue-count]');
      if (!badge || badge.textContent.trim() !== "0") {
        try { window.sessionStorage.setItem("kabar-desk-focus", "1"); } catch (e) { /* private mode */ }
        window.location.reload();
      }
    });
  }
  function dropOffer() {
    // A moderation offered for undo after a page load is no longer the last one.
    var offer = document.getElementById("desk-undo-offer");
    if (offer) offer.remove();
  }
  function act(form) {
    var card = form.closest("tr[data-desk-card]");
    if (!card || card.dataset.deskBusy) return;
    card.dataset.deskBusy = "1";
    dropOffer();
    var list = cards();
    var index = list.indexOf(card);
    var parent = card.parentNode;
    var next = card.nextSibling;
    var body = new FormData(form);
    var request = post(form.action, form, body);
    // The card goes at once, so the next key already acts on the next comment.
    card.remove();
    var rest = cards();
    if (rest.length) focusCard(rest[Math.min(index, rest.length - 1)]);
    var entry = { card: card, parent: parent, next: next, undoUrl: null, request: request, form: form };
    if (last) window.clearTimeout(last.timer);
    last = entry;
    request.then(function (data) {
      delete card.dataset.deskBusy;
      if (!data.ok) {
        announce(data.error || msg("Failed"));
        return;
      }
      updateCounts(data.counts);
      announce(data.message);
      entry.undoUrl = data.undo_url;
      if (last === entry && data.undo_url) offerUndo(data.message);
    }, failed);
    refillWhenEmpty();
  }
  function undo() {
    if (!last) {
      var offer = document.getElementById("desk-undo-offer");
      if (offer) offer.submit();
      else announce(msg("Nothing"));
      return;
    }
    var entry = last;
    last = null;
    hideUndo();
    window.clearTimeout(entry.timer);
    entry.request.then(function () {
      if (!entry.undoUrl) {
        announce(msg("Nothing"));
        return;
      }
      post(entry.undoUrl, entry.form, new FormData()).then(function (data) {
        if (!data.ok) {
          announce(data.error || msg("Failed"));
          return;
        }
        var anchor = entry.next && entry.next.isConnected ? entry.next : null;
        (entry.parent.isConnected ? entry.parent : document.querySelector(".comment-desk tbody")).insertBefore(entry.card, anchor);
        focusCard(entry.card);
        updateCounts(data.counts);
        announce(data.message);
      }, failed);
    });
  }
  // Replies: the card's Reply link opens its page without JavaScript; here, a form under
  // the card, from the page's one <template>, posted with fetch.
  function openReply(card) {
    var link = card && card.querySelector("a[data-desk-reply]");
    var template = document.getElementById("desk-reply-template");
    if (!link || !template || !window.fetch) return false;
    var open = card.querySelector("form[data-desk-reply-form]");
    if (open) {
      open.querySelector("textarea").focus();
      return true;
    }
    var form = template.content.firstElementChild.cloneNode(true);
    var id = "desk-reply-" + card.dataset.commentId;
    form.action = link.href;
    form.querySelector("input[name=next]").value = new URL(link.href).searchParams.get("next") || "";
    var text = form.querySelector("textarea");
    text.id = id;
    form.querySelector("[data-desk-reply-label]").htmlFor = id;
    var errors = form.querySelector("[data-desk-reply-errors]");
    errors.id = id + "-errors";
    if (link.hasAttribute("data-approves")) {
      form.querySelector("[data-desk-reply-approves]").hidden = false;
      var submit = form.querySelector("button[type=submit]");
      submit.textContent = submit.dataset.approveLabel;
    }
    card.querySelector(".comment-card").appendChild(form);
    text.focus();
    return true;
  }
  function closeReply(form) {
    var card = form.closest("tr[data-desk-card]");
    form.remove();
    focusCard(card);
  }
  function replyError(form, text) {
    var errors = form.querySelector("[data-desk-reply-errors]");
    var field = form.querySelector("textarea");
    errors.textContent = text;
    errors.hidden = false;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", errors.id);
    field.focus();
    announce(text);
  }
  function leavesQueue(card) {
    // An approved comment leaves the held queues it was listed in.
    var tab = document.querySelector('.comment-queues a[aria-current="page"]');
    var queue = tab ? tab.dataset.queue : "all";
    return queue === "pending" || queue === "reported";
  }
  function sendReply(form) {
    if (form.dataset.deskBusy) return;
    form.dataset.deskBusy = "1";
    // The reply's words stay in the form until the answer says they are stored.
    post(form.action, form, new FormData(form)).then(function (data) {
      delete form.dataset.deskBusy;
      if (!data.ok) {
        replyError(form, (data.errors || [data.error || msg("ReplyFailed")]).join(" "));
        return;
      }
      var card = form.closest("tr[data-desk-card]");
      updateCounts(data.counts);
      announce(data.message);
      form.remove();
      if (!card) return;
      card.dataset.status = data.parent_status;
      if (data.approved && leavesQueue(card)) {
        var list = cards();
        var index = list.indexOf(card);
        card.remove();
        var rest = cards();
        if (rest.length) focusCard(rest[Math.min(index, rest.length - 1)]);
        refillWhenEmpty();
      } else {
        focusCard(card);
      }
    }, function () {
      delete form.dataset.deskBusy;
      replyError(form, msg("ReplyFailed"));
    });
  }
  function toggleSelect() {
    var card = currentCard();
    var box = card && card.querySelector("input.bulk-action-checkbox");
    if (!box) return;
    box.click();
    announce(box.checked ? msg("Selected") : msg("Unselected"));
  }
  function showKeys() {
    var d = dialog();
    if (!d || d.open) return;
    var back = document.activeElement;
    d.addEventListener("close", function restore() {
      d.removeEventListener("close", restore);
      if (back && back.focus) back.focus();
    });
    d.showModal();
  }
  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) return;
    var d = dialog();
    if (d && d.open) return;
    if (!document.querySelector(".comment-desk")) return;
    var key = event.key;
    var handled = true;
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "r") handled = openReply(currentCard());
    else if (KEYS[key]) {
      var card = currentCard();
      var form = card && card.querySelector('form[data-desk-action="' + KEYS[key] + '"]');
      if (form) act(form);
      else handled = false;
    } else if (key === "x") toggleSelect();
    else if (key === "u") undo();
    else if (key === "?") showKeys();
    else handled = false;
    if (handled) event.preventDefault();
  });

  // In a reply: Esc closes it, Ctrl+Enter (or Cmd+Enter) sends it.
  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form[data-desk-reply-form]");
    if (!form) return;
    if (event.key === "Escape") {
      event.preventDefault();
      closeReply(form);
      announce(msg("ReplyClosed"));
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendReply(form);
    }
  });

  // A click on a card's button goes the same way as its key: no page reload.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !window.fetch) return;
    if (form.matches("form[data-desk-action]")) {
      event.preventDefault();
      act(form);
    } else if (form.matches("form[data-desk-reply-form]")) {
      event.preventDefault();
      sendReply(form);
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("[data-desk-undo]")) undo();
    var cancel = target.closest("[data-desk-reply-cancel]");
    if (cancel) closeReply(cancel.closest("form"));
    var reply = target.closest("a[data-desk-reply]");
    if (reply && !event.ctrlKey && !event.metaKey && !event.shiftKey && openReply(reply.closest("tr[data-desk-card]"))) {
      event.preventDefault();
    }
  });

  function start() {
    var focus = null;
    try {
      focus = window.sessionStorage.getItem("kabar-desk-focus");
      window.sessionStorage.removeItem("kabar-desk-focus");
    } catch (e) { /* private mode */ }
    if (focus) focusCard(cards()[0]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

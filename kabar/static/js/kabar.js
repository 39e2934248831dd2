/* Kabar's only script: progressive enhancement for the comment form. The page works
   without it; with it, "Reply" moves the form under the comment and a remembered
   commenter's details are filled in from their own cookie. */
(function () {
  "use strict";

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }

  function fillRemembered(form) {
    var raw = readCookie("kabar_commenter");
    if (!raw) return;
    try {
      var data = JSON.parse(decodeURIComponent(raw.replace(/^"|"$/g, "")));
      var fields = { author_name: data.name, author_email: data.email, author_url: data.url };
      Object.keys(fields).forEach(function (key) {
        var input = form.elements[key];
        if (input && !input.value && fields[key]) input.value = fields[key];
      });
      if (form.elements.remember) form.elements.remember.checked = true;
    } catch (e) {
      /* A damaged cookie only means the reader types their details again. */
    }
  }

  function setUpReplies(respond, form) {
    var home = document.createComment("respond-home");
    respond.parentNode.insertBefore(home, respond);
    var title = document.getElementById("reply-title");
    var cancel = document.getElementById("cancel-comment-reply-link");
    var titleText = title.firstChild;

    var opener = null;

    function moveTo(link) {
      var comment = document.getElementById("comment-" + link.dataset.commentId);
      if (!comment) return;
      opener = link;
      comment.querySelector(".comment__body").after(respond);
      form.elements.parent.value = link.dataset.commentId;
      titleText.nodeValue = form.dataset.replyToTemplate.replace("__NAME__", link.dataset.author) + " ";
      cancel.hidden = false;
      form.elements.body.focus();
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest(".comment-reply-link");
      if (link) {
        event.preventDefault();
        moveTo(link);
      } else if (event.target === cancel) {
        event.preventDefault();
        home.parentNode.insertBefore(respond, home.nextSibling);
        form.elements.parent.value = "";
        titleText.nodeValue = form.dataset.replyTitle + " ";
        cancel.hidden = true;
        // Back where the reader was: the reply link they followed (or the comment box).
        (opener || form.elements.body).focus();
        opener = null;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var respond = document.getElementById("respond");
    var form = document.getElementById("commentform");
    if (!respond || !form) return;
    fillRemembered(form);
    setUpReplies(respond, form);
    // A post the server sent back with errors: the first field to put right has focus,
    // its message read out with it.
    var invalid = form.querySelector("[aria-invalid=true]");
    if (!invalid) return;
    invalid.focus();
    // Chromium clears it when it scrolls to the address's #respond, after this runs.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body) invalid.focus();
    });
  });
})();

/* The admin's slug input keeps the marks of every script (kabar/core/slugs.py): Wagtail's
   w-slug controller keeps letters and digits only, so "हिन्दी" became "हनद" and "ข่าว"
   "ขาว". Its class is extended and registered again under its own name; an input with
   Unicode slugs turned off is left to Wagtail. */
(() => {
  const app = window.wagtail && window.wagtail.app;
  const slugModule = app && app.router.modulesByIdentifier.get('w-slug');
  if (!slugModule) return;
  const Base = slugModule.definition.controllerConstructor;
  const dropped = /[^-_\p{L}\p{M}\p{N}\s]/gu;

  // As slugs.py's slugify(): NFKC, a Turkish "İ" lowered to "i" (its combining dot above
  // would stay unseen), what no slug holds dropped.
  const clean = (value) => value.normalize('NFKC').replaceAll('İ', 'i');

  class ScriptSlugController extends Base {
    // The source's value as `make` cleans it, applied unless `ignoreUpdate`.
    withMarks(action, event, { ignoreUpdate, runFormat }, make) {
      const { value: source = this.element.value } = (event && event.detail) || {};
      const value = this.prepareValue(source, { runFormat });
      if (!value) return '';
      const slug = make(clean(value));
      if (!ignoreUpdate) this.applyUpdate(action, slug, source);
      return slug;
    }

    // The title's words, joined by hyphens.
    urlify(event, { ignoreUpdate = false, runFormat = !ignoreUpdate } = {}) {
      if (!this.allowUnicodeValue) return super.urlify(event, { ignoreUpdate, runFormat });
      return this.withMarks('urlify', event, { ignoreUpdate, runFormat }, (value) =>
        value
          .toLowerCase()
          .replace(dropped, '')
          .replace(/[-\s]+/g, '-')
          .substring(0, 255)
          .replace(/^[-_]+|[-_]+$/g, ''),
      );
    }

    // What an editor typed in the slug field itself, made valid as they leave it.
    slugify(event, { ignoreUpdate = false, runFormat = !ignoreUpdate } = {}) {
      if (!this.allowUnicodeValue) return super.slugify(event, { ignoreUpdate, runFormat });
      return this.withMarks('slugify', event, { ignoreUpdate, runFormat }, (value) =>
        value.replace(/\s+/g, '-').toLowerCase().replace(dropped, ''),
      );
    }
  }

  app.register('w-slug', ScriptSlugController);
})();

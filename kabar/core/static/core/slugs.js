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

  class ScriptSlugController extends Base {
    // As slugs.py's slugify(): the title's words, joined by hyphens.
    urlify(event, { ignoreUpdate = false, runFormat = !ignoreUpdate } = {}) {
      if (!this.allowUnicodeValue) return super.urlify(event, { ignoreUpdate, runFormat });
      const { value: source = this.element.value } = (event && event.detail) || {};
      const value = this.prepareValue(source, { runFormat });
      if (!value) return '';
      const slug = value
        .normalize('NFKC')
        .replaceAll('İ', 'i') // lowers to "i" and a combining dot above, kept unseen
        .toLowerCase()
        .replace(dropped, '')
        .replace(/[-\s]+/g, '-')
        .substring(0, 255)
        .replace(/^[-_]+|[-_]+$/g, '');
      if (!ignoreUpdate) this.applyUpdate('urlify', slug, source);
      return slug;
    }

    // What an editor typed in the slug field itself, made valid as they leave it.
    slugify(event, { ignoreUpdate = false, runFormat = !ignoreUpdate } = {}) {
      if (!this.allowUnicodeValue) return super.slugify(event, { ignoreUpdate, runFormat });
      const { value: source = this.element.value } = (event && event.detail) || {};
      const value = this.prepareValue(source, { runFormat });
      if (!value) return '';
      const slug = value
        .normalize('NFKC')
        .replaceAll('İ', 'i')
        .replace(/\s+/g, '-')
        .toLowerCase()
        .replace(dropped, '');
      if (!ignoreUpdate) this.applyUpdate('slugify', slug, source);
      return slug;
    }
  }

  app.register('w-slug', ScriptSlugController);
})();

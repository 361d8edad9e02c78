// The browser's one HTML escaper (the generator's is src/html.rs, with the same five
// characters). Every NAME.js bundle starts with the parts in common.js.d/, so widgets.js and
// search.js both use this one.

/** `s` safe to put in HTML text or a quoted attribute. */
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

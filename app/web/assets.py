"""Style and script for the workspace parts of the Gradio app: citation links, the copy button, the first screen,
saved conversations and narrow screens. The script handles clicks by delegation (chat messages are sanitised, so
they carry no script of their own): `.pqa-copy` copies the text of the `.pqa-plain` beside it, `a.pqa-open` opens the viewer in a
new tab."""

WORKSPACE_CSS = """
.pqa-card-head { display: flex; flex-wrap: wrap; gap: 0.3em; align-items: baseline; }
.pqa-open { margin-left: auto; font-weight: 500; font-size: 0.85em; white-space: nowrap; }
.pqa-distinct { font-weight: 600; color: #7c2d12; background: #ffedd5; border-radius: 4px; padding: 0 4px; }
.pqa-closest { border-left-color: #9ca3af !important; opacity: 0.85; }
.pqa-not-answer { font-size: 0.75em; font-weight: 700; text-transform: uppercase; color: #6b7280;
  border: 1px solid #9ca3af; border-radius: 4px; padding: 0 4px; }
.pqa-closest-list summary { cursor: pointer; }
.pqa-tools { margin-top: 0.5em; }
.pqa-copy { font-size: 0.8em; border: 1px solid #d1d5db; border-radius: 4px; padding: 1px 8px; cursor: pointer;
  background: transparent; color: inherit; }
#pqa-welcome { font-size: 0.95em; }
.pqa-example { text-align: left !important; white-space: normal !important; }
.pqa-export { font-size: 0.9em; }
.pqa-plain { display: none; }
/* while a library change runs, the report line is tall enough to show its progress bar inside it, not over the table */
#pqa-report:has(> [data-testid="status-tracker"]:not(.hide)) { min-height: 88px; }
@media (max-width: 640px) {
  #pqa-docs table { width: max-content !important; }
  /* fixed column widths in em (the table's percentages leave a few px per column): headers and cells align */
  #pqa-docs th:nth-child(1), #pqa-docs td:nth-child(1), #pqa-docs .body-cell[data-col="0"] {
    width: 11em !important; min-width: 11em !important; max-width: 11em !important; flex: 0 0 11em !important; }
  #pqa-docs th:nth-child(2), #pqa-docs td:nth-child(2), #pqa-docs .body-cell[data-col="1"] {
    width: 16em !important; min-width: 16em !important; max-width: 16em !important; flex: 0 0 16em !important; }
  #pqa-docs th:nth-child(3), #pqa-docs td:nth-child(3), #pqa-docs .body-cell[data-col="2"] {
    width: 6em !important; min-width: 6em !important; max-width: 6em !important; flex: 0 0 6em !important; }
  #pqa-docs th:nth-child(4), #pqa-docs td:nth-child(4), #pqa-docs .body-cell[data-col="3"] {
    width: 7.5em !important; min-width: 7.5em !important; max-width: 7.5em !important; flex: 0 0 7.5em !important; }
  #pqa-docs th:nth-child(5), #pqa-docs td:nth-child(5), #pqa-docs .body-cell[data-col="4"] {
    width: 6.5em !important; min-width: 6.5em !important; max-width: 6.5em !important; flex: 0 0 6.5em !important; }
  #pqa-docs th:nth-child(6), #pqa-docs td:nth-child(6), #pqa-docs .body-cell[data-col="5"] {
    width: 5em !important; min-width: 5em !important; max-width: 5em !important; flex: 0 0 5em !important; }
  #pqa-docs th:nth-child(7), #pqa-docs td:nth-child(7), #pqa-docs .body-cell[data-col="6"] {
    width: 10.5em !important; min-width: 10.5em !important; max-width: 10.5em !important; flex: 0 0 10.5em !important; }
  #pqa-docs th, #pqa-docs th * { white-space: nowrap !important; word-break: normal !important; }
  #pqa-docs td, #pqa-docs td *, #pqa-docs .body-cell, #pqa-docs .body-cell * {
    word-break: normal !important; overflow-wrap: anywhere; }
  #pqa-chat { height: 70vh !important; }
  #pqa-ask-row, #pqa-query-row { flex-direction: column; flex-wrap: nowrap; }
  #pqa-ask-row > *, #pqa-query-row > * { width: 100%; min-width: 0 !important; flex: none !important; }
  .pqa-open { margin-left: 0; }
}
"""

WORKSPACE_JS = """
() => {
if (window.pqaWorkspace) return;
window.pqaWorkspace = true;
document.addEventListener('click', async (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const copy = target && target.closest('.pqa-copy');
  if (copy) {
    event.preventDefault();
    const source = copy.parentElement && copy.parentElement.querySelector('.pqa-plain');
    const clone = source ? source.cloneNode(true) : document.createElement('div');
    clone.querySelectorAll('br').forEach((br) => br.replaceWith(String.fromCharCode(10)));
    const text = clone.textContent || '';
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    copy.textContent = 'Copied';
    setTimeout(() => { copy.textContent = 'Copy answer'; }, 1500);
    return;
  }
  const open = target && target.closest('a.pqa-open');
  if (open) {
    event.preventDefault();
    window.open(open.getAttribute('href'), '_blank');
  }
}, true);
}
"""

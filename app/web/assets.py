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
  #pqa-docs th, #pqa-docs td { width: auto !important; min-width: 6em !important; max-width: 16em !important; }
  #pqa-docs th:nth-child(2), #pqa-docs td:nth-child(2) { min-width: 14em !important; }
  #pqa-docs th, #pqa-docs th * { white-space: nowrap !important; word-break: normal !important; }
  #pqa-docs td, #pqa-docs td * { word-break: normal !important; overflow-wrap: anywhere; }
  #pqa-chat { height: 70vh !important; }
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

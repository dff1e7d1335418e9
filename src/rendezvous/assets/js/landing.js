// Landing page: a click on a server URL copies it (clipboard API where the page is a secure
// context, otherwise the text is selected so the user can copy it).
document.querySelectorAll('button.copy[data-copy]').forEach((button) => {
  const hint = button.querySelector('.copy-hint');
  const say = (text) => {
    if (!hint) return;
    hint.textContent = text;
    setTimeout(() => { hint.textContent = 'Copy'; }, 1500);
  };
  button.addEventListener('click', async () => {
    const url = button.dataset.copy;
    try {
      await navigator.clipboard.writeText(url);
      say('Copied');
    } catch {
      const code = button.querySelector('code');
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      say('Press Ctrl+C');
    }
  });
});

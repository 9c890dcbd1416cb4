// Measurements of a rendered page for tests/browser/layout.py: text over other text,
// text past the window's edges, text cut off by its box. Evaluated into the page
// (as axe-core is: the page's Content-Security-Policy does not govern it).
window.layoutCheck = (() => {
  // What a reader sees. Off-screen helpers (the skip link until it has focus,
  // visually hidden text, the form's field for programs) are not the layout, nor is
  // what lies inside a box that scrolls on its own (a wide table).
  const hidden = (el) =>
    !!el.closest('.skip-link, .visually-hidden, .trap, [aria-hidden="true"]') ||
    !el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const scrolling = ['auto', 'scroll'];
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (scrolling.includes(s.overflowX) || scrolling.includes(s.overflowY)) return true;
    }
    return false;
  };
  const seen = (el) => !hidden(el) && !scrolls(el);
  const controls = 'input, select, textarea, button, progress';
  const ownText = (el) =>
    [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());

  // The box of an element's text (the lines it fills), or a form control's own box,
  // in page coordinates; null when there is nothing to see.
  const box = (el) => {
    let r;
    if (el.matches(controls)) {
      r = el.getBoundingClientRect();
    } else {
      const range = document.createRange();
      range.selectNodeContents(el);
      r = range.getBoundingClientRect();
    }
    if (r.width < 1 || r.height < 1) return null;
    return {
      left: r.left + scrollX,
      right: r.right + scrollX,
      top: r.top + scrollY,
      bottom: r.bottom + scrollY,
    };
  };

  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    const id = el.id ? `#${el.id}` : '';
    const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
    return `<${el.tagName.toLowerCase()}${id}${cls}> ${JSON.stringify(text.slice(0, 60))}`;
  };

  // Pairs of elements (neither inside the other) whose text boxes overlap by more
  // than a pixel's anti-aliasing.
  const overlaps = (selector) => {
    const items = [];
    for (const el of document.querySelectorAll(selector)) {
      const b = seen(el) && box(el);
      if (b) items.push([el, b]);
    }
    const found = [];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const [a, ab] = items[i];
        const [b, bb] = items[j];
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ab.right, bb.right) - Math.max(ab.left, bb.left);
        const h = Math.min(ab.bottom, bb.bottom) - Math.max(ab.top, bb.top);
        if (w > 1 && h > 1) found.push(`${describe(a)} overlaps ${describe(b)}`);
      }
    }
    return found;
  };

  // Text or a control past the window's left or right edge; a page wider than its
  // window (the reader would scroll sideways).
  const outsideWindow = () => {
    const width = document.documentElement.clientWidth;
    const found = [];
    const page = document.documentElement.scrollWidth;
    if (page > width + 1) found.push(`the page is ${page} px wide in a ${width} px window`);
    for (const el of document.body.querySelectorAll('*')) {
      if (!(ownText(el) || el.matches(controls)) || !seen(el)) continue;
      const b = box(el);
      if (b && (b.left < -1 || b.right > width + 1)) {
        found.push(`${describe(el)} spans ${Math.round(b.left)}..${Math.round(b.right)} px`);
      }
    }
    return found;
  };

  // Elements whose text is wider than their box: clipped (overflow hidden or clip, an
  // ellipsis), or spilling over the box's edge onto what lies beside it.
  const cutText = () => {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!ownText(el) || el.closest('svg') || !seen(el)) continue;
      const s = getComputedStyle(el);
      if (s.display === 'inline' || s.display === 'contents') continue; // no box of its own
      const wide = el.scrollWidth - el.clientWidth > 1;
      const tall = el.scrollHeight - el.clientHeight > 1 && ['hidden', 'clip'].includes(s.overflowY);
      if (wide || tall) {
        found.push(
          `${describe(el)}: text ${el.scrollWidth}×${el.scrollHeight} px in a ` +
            `${el.clientWidth}×${el.clientHeight} px box (overflow ${s.overflowX}/${s.overflowY})`,
        );
      }
    }
    return found.concat(cutSelects());
  };

  // A closed select shows its chosen option in its box, cut off where it is too
  // narrow; the option's width is measured with the select's font. The arrow takes
  // about 20 px beside the padding.
  const canvas = document.createElement('canvas').getContext('2d');
  const cutSelects = () => {
    const found = [];
    for (const select of document.querySelectorAll('select:not([multiple])')) {
      const option = select.selectedOptions[0];
      if (!option || !seen(select)) continue;
      const s = getComputedStyle(select);
      canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const text = canvas.measureText(option.label).width;
      const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 20;
      if (text > room + 1) {
        found.push(`${describe(select)} shows ${JSON.stringify(option.label)}: ` +
          `${Math.round(text)} px of text in ${Math.round(room)} px`);
      }
    }
    return found;
  };

  // Every visible label of a text field: its text's box and its field's box.
  const labelSides = () => {
    const found = [];
    for (const label of document.querySelectorAll('label[for]')) {
      const control = document.getElementById(label.htmlFor);
      if (!control || !seen(label) || !seen(control)) continue;
      if (control.matches('input[type=checkbox], input[type=radio]')) continue;
      const text = box(label);
      const field = box(control);
      if (text && field) found.push({ label: describe(label), text, field });
    }
    return found;
  };

  return { overlaps, outsideWindow, cutText, labelSides };
})();

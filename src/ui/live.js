// The dashboard's only script (hand-written): live refresh of the journal while its
// "Live" box is ticked, and copy buttons for the snippets. Pages work without it.
(function () {
  const rows = document.getElementById("rows");
  const live = document.getElementById("live");
  if (rows && live) {
    const refresh = async function () {
      if (live.checked) {
        const url = new URL(location.href);
        url.searchParams.set("fragment", "rows");
        try {
          const res = await fetch(url, { credentials: "same-origin" });
          if (res.ok) {
            rows.innerHTML = await res.text();
            const count = document.getElementById("count");
            if (count) count.textContent = rows.rows.length + " calls shown";
          }
        } catch (e) { /* the emulator stopped: keep what is shown */ }
      }
      setTimeout(refresh, 2000);
    };
    setTimeout(refresh, 2000);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const text = document.getElementById(button.dataset.copy).textContent;
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
    });
  });
})();

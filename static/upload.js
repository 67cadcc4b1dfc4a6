// The upload form's progress bar. Without this script the form posts as usual; with it the
// file goes by XMLHttpRequest so the bar can follow the bytes, and the page then goes where
// the server's answer went (the new document), or shows the refusal the server rendered.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  const bar = document.getElementById("upload-progress");
  const percent = document.getElementById("upload-percent");
  if (!form || !bar || !percent) {
    return;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        const done = Math.floor((e.loaded * 100) / e.total);
        bar.value = done;
        percent.textContent = done + " %";
      }
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 200 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
        return;
      }
      const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const main = answer.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
      } else {
        button.disabled = false;
      }
    });
    xhr.addEventListener("error", () => {
      button.disabled = false;
      percent.textContent = "";
    });
    xhr.send(new FormData(form));
  });
});

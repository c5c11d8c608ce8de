/* The voting page (evaluations/vote.html): the token of a printed QR code or a sent link travels
 * after "#", which browsers never send, so no server or proxy log holds it. Read it here, drop it
 * from the address bar and open the ballot with it (unless the page shows a refusal). */
(function () {
  "use strict";
  var token = window.location.hash.slice(1);
  if (!token) return;
  history.replaceState(null, "", window.location.pathname);
  if (document.getElementById("vote-error")) return;
  document.getElementById("token").value = decodeURIComponent(token);
  document.getElementById("token-form").submit();
})();

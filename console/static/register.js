// 登记集群: show only the fields of the chosen way to start; a hidden fieldset is disabled,
// so its inputs are neither validated nor sent. Without script every fieldset shows.
(function () {
  var kind = document.getElementById("start-kind");
  if (!kind) return;
  function sync() {
    document.querySelectorAll("fieldset[data-kind]").forEach(function (fs) {
      var on = fs.getAttribute("data-kind") === kind.value;
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();

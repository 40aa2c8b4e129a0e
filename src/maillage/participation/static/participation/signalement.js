// The signalement form on a phone: find the commune from the device's location, and suggest
// communes as the person types. Without JavaScript the form works the same, typed by hand.
(function () {
  "use strict";
  var button = document.getElementById("locate-me");
  var input = document.getElementById("id_commune");
  var status = document.getElementById("locate-status");
  var list = document.getElementById("communes-suggestions");
  if (!button || !input) { return; }

  if ("geolocation" in navigator) { button.hidden = false; }
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var url = button.dataset.api + "?lat=" + position.coords.latitude.toFixed(5) +
        "&lon=" + position.coords.longitude.toFixed(5);
      fetch(url).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (commune) {
          input.value = commune.name + " (" + commune.code + ")";
          status.textContent = "✓ " + commune.name;
        })
        .catch(function () { status.textContent = "Aucune commune trouvée à cet endroit : saisissez-la."; });
    }, function () { status.textContent = "Position indisponible : saisissez la commune."; },
    { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 2 || /\(\w{5}\)$/.test(query)) { return; }
    timer = setTimeout(function () {
      fetch(button.dataset.search + "?limit=8&q=" + encodeURIComponent(query))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (communes) {
          list.innerHTML = "";
          communes.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.name + " (" + c.code + ")";
            list.appendChild(option);
          });
        });
    }, 250);
  });
})();

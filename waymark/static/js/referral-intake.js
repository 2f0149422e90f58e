// Intake: the matching fragment wants date_of_birth as YYYY-MM-DD, but the GOV.UK date input
// has three boxes. Join them into the htmx request (no inline script: the CSP forbids it).
document.body.addEventListener("htmx:configRequest", function (event) {
  var params = event.detail.parameters;
  var day = params["date_of_birth_0"], month = params["date_of_birth_1"], year = params["date_of_birth_2"];
  if (day && month && year && /^\d{4}$/.test(year)) {
    params["date_of_birth"] = year + "-" + String(month).padStart(2, "0") + "-" + String(day).padStart(2, "0");
  }
  delete params["date_of_birth_0"];
  delete params["date_of_birth_1"];
  delete params["date_of_birth_2"];
  delete params["csrfmiddlewaretoken"];
});

// Picking a programme shows it at once, on its own default day (today, or its target date once closed):
// the date field is emptied so that the server chooses the day.
document.addEventListener("DOMContentLoaded", function () {
  var programme = document.getElementById("pick-programme");
  var day = document.getElementById("pick-as-of");
  if (!programme || !day) {
    return;
  }
  programme.addEventListener("change", function () {
    day.value = "";
    programme.form.submit();
  });
});

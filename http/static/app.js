// claimgate's only script, a convenience: every page works without it.
// After a refused form re-renders a page, bring the refusal into view.
document.addEventListener("DOMContentLoaded", () => {
  const err = document.getElementById("error");
  if (err) err.scrollIntoView({ block: "center" });
});

// Relative times in the reader's language, counted down in the browser: the same rule and the
// same CLDR words as the server's orchestrator/language/relative_time.py (its relative_words() table
// arrives as JSON in data-relative). Plural categories come from Intl.PluralRules, which uses
// the same CLDR rules as Babel.
(function () {
  "use strict";
  var DAYS_FROM = 48 * 3600;
  function unit(words, rules, name, value) {
    var patterns = words[name];
    var pattern = patterns[rules.select(value)] || patterns.other;
    return pattern.replace("{0}", String(value));
  }
  function make(words) {
    var rules = new Intl.PluralRules(words.locale);
    function span(seconds) {
      var s = Math.max(0, Math.ceil(seconds));
      if (s >= DAYS_FROM) { return unit(words, rules, "d", Math.round(s / 86400)); }
      if (s < 60) { return unit(words, rules, "s", s); }
      if (s < 3600) { return unit(words, rules, "min", Math.ceil(s / 60)); }
      var hours = Math.floor(s / 3600), minutes = Math.ceil((s % 3600) / 60);
      if (minutes === 60) { hours += 1; minutes = 0; }
      var text = unit(words, rules, "h", hours);
      return minutes ? words.join.replace("{0}", text).replace("{1}", unit(words, rules, "min", minutes)) : text;
    }
    function relative(seconds) {
      var s = Math.max(0, Math.ceil(seconds));
      if (s >= DAYS_FROM) { return unit(words, rules, "in_days", Math.round(s / 86400)); }
      return words["in"].replace("{time}", span(s));
    }
    return { span: span, relative: relative };
  }
  window.RotaTime = { make: make };
})();

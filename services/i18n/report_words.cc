#include "services/i18n/report_words.h"

#include "services/workflow/event_text.h"
#include "services/workflow/report_text.h"

namespace baraza::i18n {
namespace {

// A heading or label: "report." + its words ("Raised on" → report.raised_on).
std::string Label(const Renderer& r, const std::string& english, const std::string& lang) {
  std::string id = WordsId(english, "report.");
  const Catalogues& cats = r.catalogues();
  if (!cats.Pattern(cats.Resolve(lang), id) && !cats.Pattern(kFallbackLanguage, id)) return english;
  Message m;
  m.id = id;
  return r.Render(m, lang, "").text;
}

}  // namespace

Report ReportInLanguage(const Report& r, const Renderer& renderer, const std::string& lang,
                        const std::string& zone, ReportWordsOptions options) {
  Report out = r;
  if (Message title = workflow::ReportTitle(r.title); !title.empty())
    out.title = renderer.Render(title, lang, zone).text;
  for (ReportSection& s : out.sections) {
    for (ReportLine& line : s.lines) {
      std::vector<Message> value = workflow::ReportValue(line);
      if (!value.empty()) {
        std::string text;
        for (const Message& m : value)
          text += (text.empty() ? "" : "; ") + renderer.Render(m, lang, zone).text;
        line.value = std::move(text);
      }
      if (options.labels) line.label = Label(renderer, line.label, lang);
    }
    if (options.labels) s.heading = Label(renderer, s.heading, lang);
  }
  return out;
}

Rendered EventText(const Event& e, const Renderer& renderer, const std::string& lang,
                   const std::string& zone) {
  return renderer.Render(workflow::EventMessage(e), lang, zone);
}

}  // namespace baraza::i18n

// A published report and a case event in a reader's language: the same
// sections, lines and data, with the template's words and times rendered from
// the catalogues (services/workflow/report_text.h, event_text.h). Thread-safe.
#pragma once

#include <string>

#include "services/i18n/renderer.h"
#include "services/workflow/model.h"

namespace baraza::i18n {

struct ReportWordsOptions {
  bool labels = true;  // headings and labels too (the RPC); the page says them itself
};

// `r` with its title, values (and labels) in `lang`, times in `zone` with UTC
// beside them. Data (ids, counts, hashes) and what people wrote stay as stored;
// a value the template did not write is shown as it is.
Report ReportInLanguage(const Report& r, const Renderer& renderer, const std::string& lang,
                        const std::string& zone, ReportWordsOptions options = {});

// One case event as a sentence in `lang`, its times in `zone` (event.<type>).
Rendered EventText(const Event& e, const Renderer& renderer, const std::string& lang,
                   const std::string& zone);

}  // namespace baraza::i18n

// Notices rendered for their reader: in the reader's language (the request's,
// else its registered one, else English) with times in the case's group's zone.
// Used by the notice handlers, the watch stream and the delivery worker. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/i18n/renderer.h"
#include "services/workflow/model.h"
#include "storage/case_store.h"

namespace baraza {

// A group's time zone as given at creation: "" (UTC) or a zone ICU's tz
// database knows; else INVALID_ARGUMENT naming it.
Status CheckTimeZone(const std::string& zone);
// A registered language as given: "" (none) or a well-formed tag, normalised
// ("fr_FR" → "fr-FR"); else INVALID_ARGUMENT. A tag without a catalogue is kept
// (a mission may add one) and reads in English meanwhile.
Result<std::string> LanguageTag(const std::string& language);

class NoticeText {
 public:
  explicit NoticeText(CaseStore& store) : store_(store) {}

  // The catalogues notices are rendered with (barazad: --catalogue-dir). Set
  // once at start, before serving; without it a message shows as "id arg=value".
  void SetRenderer(std::shared_ptr<const i18n::Renderer> renderer) { renderer_ = std::move(renderer); }
  const i18n::Renderer* renderer() const { return renderer_.get(); }
  // The mediators' language (barazad --mediator-language; "" English), a tag
  // LanguageTag accepted. Set once at start, before serving.
  void SetMediatorLanguage(std::string tag) { mediator_language_ = std::move(tag); }
  std::string LanguageOfMediators() const { return Resolve(mediator_language_); }

  // The catalogue language `reader` reads in: `requested` (a request's; "" for
  // none) when given, else the liaison's or commander's registered language (a
  // mediator's: the mediators' language),
  // else English. Always one the catalogues have ("en" when they lack it).
  std::string LanguageOf(const Actor& reader, const std::string& requested);
  std::string LanguageOfLiaison(Id liaison_id);
  // The catalogue language `tag` is rendered in.
  std::string Resolve(const std::string& tag) const {
    return renderer_ ? renderer_->Resolve(tag) : i18n::kFallbackLanguage;
  }
  // A liaison's or commander's language changed: read it again next time.
  void Forget(Role role, Id id);
  std::string LanguageOfCommander(Id commander_id);

  // Fills `text` and `language` of a notice that carries a message; a notice
  // stored as English text keeps it ("en"). Rendered texts are cached per
  // notice and language: a notice never changes.
  void Render(Notice& n, const std::string& language);
  void Render(std::vector<Notice>& notices, const std::string& language);
  // "Deadline: <time in the group's zone> (<UTC>)." in `language`, for e-mail.
  std::string DeadlineLine(const Notice& n, const std::string& language);
  // The SMS form of `n` in `language` (not cached: sent once per contact point).
  std::string Short(const Notice& n, const std::string& language);
  // The time zone of a case's group ("" for UTC or an unknown case).
  std::string ZoneOfCase(Id case_id);
  std::string ZoneOfGroup(Id group_id);

  // A case event as a sentence in `language` (event.<type>), times in its
  // group's zone. The stored event is untouched: an old one reads alike.
  i18n::Rendered EventText(const Event& e, const std::string& language);
  // A published report in `language`, times in its group's zone: the same
  // sections and data, the words changed. Sets nothing when there are no catalogues.
  Report ReportIn(const Report& r, const std::string& language, std::string* rendered_in);
  // The subject line of `n`'s e-mail in `language` (mail.subject).
  std::string Subject(const Notice& n, const std::string& language);

 private:
  std::string Stored(Role role, Id id);

  CaseStore& store_;
  std::shared_ptr<const i18n::Renderer> renderer_;
  std::string mediator_language_;
  static constexpr size_t kMaxCached = 100000;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::string> texts_;   // "<notice id>/<language>" → text
  std::unordered_map<Id, std::string> zones_;            // group → time zone
  std::unordered_map<std::string, std::string> readers_;  // "l<id>", "c<id>" → language
};

}  // namespace baraza

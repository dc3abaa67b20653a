#include "services/app/notice_text.h"

#include "services/i18n/report_words.h"
#include "services/workflow/case_machine.h"
#include "services/workflow/event_text.h"

namespace baraza {
namespace {

// A message as words without catalogues (a unit test's application).
std::string Plain(const Message& m) {
  std::string text = m.id;
  for (const auto& a : m.args)
    text += " " + a.name + "=" +
            (a.kind == MessageArg::Kind::kText || a.kind == MessageArg::Kind::kWords
                 ? a.text
                 : std::to_string(a.number));
  return text;
}

}  // namespace

Status CheckTimeZone(const std::string& zone) {
  if (zone.empty()) return Status::Ok();
  if (zone.size() > 64 || !i18n::KnownTimeZone(zone))
    return Status::InvalidArgument("unknown time zone \"" + zone.substr(0, 64) +
                                   "\": give an IANA name from the tz database, such as "
                                   "Africa/Mogadishu or Europe/Paris (or none for UTC)");
  return Status::Ok();
}

Result<std::string> LanguageTag(const std::string& language) {
  if (language.empty()) return std::string();
  std::string tag = i18n::NormaliseLanguage(language);
  if (tag.empty() || tag.size() > 35 || tag.front() == '-')
    return Status::InvalidArgument("language \"" + language.substr(0, 40) +
                                   "\" is not a language tag; give one such as fr, ar, sw or pt-BR");
  return tag;
}

std::string NoticeText::Stored(Role role, Id id) {
  std::string key = (role == Role::kLiaison ? "l" : "c") + std::to_string(id);
  {
    std::shared_lock lock(mu_);
    auto it = readers_.find(key);
    if (it != readers_.end()) return it->second;
  }
  std::string language;
  if (role == Role::kLiaison) {
    auto l = store_.GetLiaison(id);
    if (l.ok()) language = l->language;
  } else {
    auto c = store_.GetCommander(id);
    if (c.ok()) language = c->language;
  }
  std::unique_lock lock(mu_);
  if (readers_.size() > kMaxCached) readers_.clear();
  readers_[key] = language;  // a registered language does not change
  return language;
}

void NoticeText::Forget(Role role, Id id) {
  std::unique_lock lock(mu_);
  readers_.erase((role == Role::kLiaison ? "l" : "c") + std::to_string(id));
}

std::string NoticeText::LanguageOfLiaison(Id liaison_id) {
  std::string stored = Stored(Role::kLiaison, liaison_id);
  return renderer_ ? renderer_->Resolve(stored) : i18n::kFallbackLanguage;
}

std::string NoticeText::LanguageOfCommander(Id commander_id) {
  std::string stored = Stored(Role::kCommander, commander_id);
  return renderer_ ? renderer_->Resolve(stored) : i18n::kFallbackLanguage;
}

std::string NoticeText::LanguageOf(const Actor& reader, const std::string& requested) {
  std::string wanted = i18n::NormaliseLanguage(requested);
  if (wanted.empty() && reader.role == Role::kLiaison) wanted = Stored(Role::kLiaison, reader.subject_id);
  if (wanted.empty() && reader.role == Role::kCommander)
    wanted = Stored(Role::kCommander, reader.subject_id);
  if (wanted.empty() && reader.role == Role::kMediator) wanted = mediator_language_;
  return renderer_ ? renderer_->Resolve(wanted) : i18n::kFallbackLanguage;
}

std::string NoticeText::ZoneOfCase(Id case_id) {
  auto c = store_.GetCaseShared(case_id);
  if (!c.ok()) return {};
  return ZoneOfGroup((*c)->group_id);
}

std::string NoticeText::ZoneOfGroup(Id group_id) {
  {
    std::shared_lock lock(mu_);
    auto it = zones_.find(group_id);
    if (it != zones_.end()) return it->second;
  }
  auto g = store_.GetGroup(group_id);
  if (!g.ok()) return {};
  std::unique_lock lock(mu_);
  if (zones_.size() > kMaxCached) zones_.clear();
  zones_[group_id] = g->time_zone;  // a group's zone does not change
  return g->time_zone;
}

void NoticeText::Render(Notice& n, const std::string& language) {
  if (n.message.empty()) {  // stored as English text before messages existed
    n.language = i18n::kFallbackLanguage;
    return;
  }
  if (!renderer_) {
    n.text = Plain(n.message);
    n.language = i18n::kFallbackLanguage;
    return;
  }
  std::string key = std::to_string(n.id) + "/" + language;
  if (n.id != 0) {
    std::shared_lock lock(mu_);
    auto it = texts_.find(key);
    if (it != texts_.end()) {
      n.text = it->second.substr(it->second.find('\n') + 1);
      n.language = it->second.substr(0, it->second.find('\n'));
      return;
    }
  }
  i18n::Rendered r = renderer_->Render(n.message, language, ZoneOfCase(n.case_id));
  n.text = r.text;
  n.language = r.language;
  if (n.id == 0) return;
  std::unique_lock lock(mu_);
  if (texts_.size() > kMaxCached) texts_.clear();
  texts_[key] = r.language + "\n" + r.text;
}

void NoticeText::Render(std::vector<Notice>& notices, const std::string& language) {
  for (Notice& n : notices) Render(n, language);
}

std::string NoticeText::DeadlineLine(const Notice& n, const std::string& language) {
  if (!renderer_ || n.message.empty())  // an English notice of before messages: as then
    return "Deadline: " + workflow::FormatTime(n.deadline) + ".";
  Message m;
  m.id = "mail.deadline";
  m.Time("deadline", n.deadline);
  return renderer_->Render(m, language, ZoneOfCase(n.case_id)).text;
}

std::string NoticeText::Short(const Notice& n, const std::string& language) {
  if (n.message.empty()) return n.text;
  if (!renderer_) return Plain(n.message);
  return renderer_->RenderShort(n.message, language, ZoneOfCase(n.case_id)).text;
}

i18n::Rendered NoticeText::EventText(const Event& e, const std::string& language) {
  if (!renderer_) return {Plain(workflow::EventMessage(e)), i18n::kFallbackLanguage};
  return i18n::EventText(e, *renderer_, language, ZoneOfCase(e.case_id));
}

Report NoticeText::ReportIn(const Report& r, const std::string& language,
                            std::string* rendered_in) {
  if (!renderer_) {
    if (rendered_in) *rendered_in = i18n::kFallbackLanguage;
    return r;
  }
  if (rendered_in) *rendered_in = renderer_->Resolve(language);
  return i18n::ReportInLanguage(r, *renderer_, language, ZoneOfGroup(r.group_id));
}

std::string NoticeText::Subject(const Notice& n, const std::string& language) {
  std::string kind = Name(n.kind);
  for (char& c : kind)
    if (c == ' ') c = '_';
  Message m;
  m.id = "mail.subject";
  m.Text("kind", kind).Text("case", std::to_string(n.case_id));
  if (!renderer_) return Plain(m);
  return renderer_->Render(m, language, "").text;
}

}  // namespace baraza

// A sentence told to a person, kept as its meaning: a catalogue message id and
// named arguments. The core writes these; services/i18n renders them in the
// reader's language and time zone when read. Plain values; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace baraza {

struct MessageArg {
  // kText: words shown as they are (a title, a reason, a name) or a keyword a
  // catalogue selects on; kNumber: a count (plurals); kTime: a UTC instant in
  // milliseconds, shown in the reader's zone with UTC beside it; kDuration:
  // milliseconds, shown in the largest whole unit; kWords: the template's own
  // fixed English words ("use of force", "answered on time"; a list joined by
  // ", "), each shown as the catalogue's `report.value.<words>` in the reader's
  // language, else as they are. kWords is built when rendering (events,
  // reports) and never stored: the notice codec keeps kinds 1-4 only.
  enum class Kind { kText = 1, kNumber, kTime, kDuration, kWords };
  std::string name;
  Kind kind = Kind::kText;
  std::string text;
  int64_t number = 0;
  bool operator==(const MessageArg&) const = default;
};

struct Message {
  std::string id;  // e.g. "notice.reminder"; empty: no message (text stored as written)
  std::vector<MessageArg> args;

  bool empty() const { return id.empty(); }
  Message& Text(std::string name, std::string value) {
    args.push_back({std::move(name), MessageArg::Kind::kText, std::move(value), 0});
    return *this;
  }
  Message& Number(std::string name, int64_t value) {
    args.push_back({std::move(name), MessageArg::Kind::kNumber, {}, value});
    return *this;
  }
  Message& Time(std::string name, int64_t unix_millis) {
    args.push_back({std::move(name), MessageArg::Kind::kTime, {}, unix_millis});
    return *this;
  }
  Message& Words(std::string name, std::string english) {
    args.push_back({std::move(name), MessageArg::Kind::kWords, std::move(english), 0});
    return *this;
  }
  Message& Duration(std::string name, int64_t millis) {
    args.push_back({std::move(name), MessageArg::Kind::kDuration, {}, millis});
    return *this;
  }
  const MessageArg* Find(const std::string& name) const {
    for (const auto& a : args)
      if (a.name == name) return &a;
    return nullptr;
  }
  bool operator==(const Message&) const = default;
};

}  // namespace baraza

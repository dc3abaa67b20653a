// A case event as a sentence's meaning: the catalogue message `event.<type>`
// with the event's details as typed arguments, rendered in the reader's language.
// Pure; the stored event (and so its hash) is untouched. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "services/workflow/message.h"
#include "services/workflow/model.h"

namespace baraza::workflow {

// The message of `e`: id "event." + its type's name ("event.default_judgement_entered"),
// arguments "party" (its party id, "none" for none) and every detail, typed by what
// the core writes there: a UTC time as FormatTime writes it → kTime; "<x>_seconds"
// → kDuration "<x>"; a count → kNumber; the template's fixed words (a kind, a
// dimension, a state...) → kWords; anything a person wrote → kText, never a pattern.
// Events stored before this existed carry the same details, so they read alike.
Message EventMessage(const Event& e);

// "2026-12-02 14:23:13 UTC" (FormatTime's form) as Unix milliseconds; nullopt
// for anything else.
std::optional<UnixMillis> ParseFormattedTime(const std::string& text);

}  // namespace baraza::workflow

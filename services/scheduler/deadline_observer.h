// What the deadline runner tells an outside observer (barazad's metrics): how
// late each deadline was handled. Called on the runner's thread; must be cheap.
#pragma once

#include "services/workflow/model.h"

namespace baraza {

class DeadlineObserver {
 public:
  virtual ~DeadlineObserver() = default;
  // A deadline due at some time was handled (its case's change committed)
  // `lag` milliseconds after it; 0 when on time.
  virtual void DeadlineHandled(Millis lag) = 0;
};

}  // namespace baraza

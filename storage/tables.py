"""Every table module, imported once: importing a module registers its tables on
SQLModel.metadata, which migrations, tests and the privacy scan walk."""

import storage.checklist_models  # the checklist and its next steps
import storage.home_models  # privacy bookkeeping
import storage.models  # organisation, conversations, agreements, PULS, audit
import storage.scheduling_models  # the scheduler's outbox, cursors, snoozes, themes
import storage.showcase_models  # noqa: F401  (results, recognition, department meetings)

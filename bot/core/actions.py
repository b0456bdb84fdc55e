"""Action and callback ids shared by the messages the domain builds and the handlers that answer.

Values carried by buttons are noted beside each id.
"""

BOOKING_OPEN = "booking.open"  # value: employee id, or "" — opens the booking modal
BOOKING_ACCEPT = "booking.accept"  # value: "<conversation>:<revision>:<slot index>"
BOOKING_COUNTER = "booking.counter"  # value: "<conversation>:<revision>"
BOOKING_DECLINE = "booking.decline"  # value: "<conversation>:<revision>"
BOOKING_RESCHEDULE = "booking.reschedule"  # value: "<conversation>"
BOOKING_CANCEL = "booking.cancel"  # value: "<conversation>"
AGREEMENT_OPEN = "agreement.open"  # value: "<conversation>"

# Modal callbacks
BOOKING_FORM = "booking.form"
COUNTER_FORM = "booking.counter_form"
RESCHEDULE_FORM = "booking.reschedule_form"
AGREEMENT_FORM = "agreement.form"

# Reminders (schedules/, platforms/slack/handlers/nudges.py, platforms/slack/handlers/themes.py)
NUDGE_SNOOZE = "nudge.snooze"  # value: the outbox subject, e.g. "booking:12" — quiet for a week
NUDGE_DISMISS = "nudge.dismiss"  # value: the outbox subject — done, no more about it
NUDGE_HELD = "nudge.held"  # value: employee id — the conversation was held without a booking
AGREEMENT_KEEP = "agreement.keep"  # value: agreement id — still holds; next review in 6 months
THEME_OPEN = "theme.open"  # value: "" — opens the theme proposal modal
THEME_FORM = "theme.form"

# App Home, privacy and the secretariat
# (platforms/slack/handlers/home.py, privacy.py, secretariat.py)
HOME_PAGE = "home.page"  # value: the page number to show
PRIVACY_EXPORT = "privacy.export"  # value: "" — sends the person their data as a file
SECRETARIAT_MENU = "secretariat.menu"  # value: "" — the secretariat's actions (ephemeral)
NETWORK_NEW = "secretariat.network_new"  # value: "" — opens the network form
NETWORK_EDIT = "secretariat.network_edit"  # value: network id
NETWORK_CLOSE = "secretariat.network_close"  # value: network id
SECRETARIAT_ROLE_OPEN = "secretariat.role_open"  # value: "" — make someone secretariat (or not)
ERASE_OPEN = "secretariat.erase_open"  # value: "" — erase a person's data
DELIVERY_RETRY = "secretariat.retry"  # value: outbox id, or "all"
REPORT_SEND = "secretariat.report"  # value: "" — the overview as CSV in a DM
AUDIT_SEND = "secretariat.audit"  # value: "" — the audit trail as CSV in a DM
NETWORK_FORM = "secretariat.network_form"
SECRETARIAT_ROLE_FORM = "secretariat.role_form"
ERASE_FORM = "secretariat.erase_form"

# Showcase: results, recognition, department meetings, open networks
# (platforms/slack/handlers/showcase.py)
RESULT_OPEN = "showcase.result_open"  # value: "" — opens the result form
RESULT_RECOGNISE = "showcase.recognise"  # value: "<result id>" or "<result id>:d<outbox id>"
RESULT_FOLLOW_UP = "showcase.follow_up"  # value: result id — opens the follow-up form
RESULT_RETRY = "showcase.retry"  # value: "<kind>:<ref id>" — post failed copies again
MEETING_INVITE = "showcase.meeting_invite"  # value: "<department>:<meeting date>:<person>"
MEETING_INVITE_ANSWER = "showcase.meeting_answer"  # value: "<invitation id>:yes|no"
MEETING_PRESENTED = "showcase.meeting_presented"  # value: "<department>:<meeting date>:yes|no"
DEPARTMENT_OPEN = "showcase.department_open"  # value: department id or ""
OPEN_CALL_OPEN = "showcase.open_call_open"  # value: "" — opens the open call form
OPEN_CALL_JOIN = "showcase.join"  # value: open call id — "Vil du være med?"
JOIN_DECIDE = "showcase.join_decide"  # value: "<join request id>:yes|no"
RESULT_FORM = "showcase.result_form"
RESULT_PREVIEW = "showcase.result_preview"
RESULT_SHORTCUT = "share_as_result"  # the message shortcut's callback id (manifest.yml)
FOLLOW_UP_FORM = "showcase.follow_up_form"
DEPARTMENT_FORM = "showcase.department_form"
OPEN_CALL_FORM = "showcase.open_call_form"

# The checklist and its next steps (platforms/slack/handlers/checklist.py)
CHECKLIST_START = "checklist.start"  # value: how it was started ("scheduler", "reflection", …)
CHECKLIST_RESUME = "checklist.resume"  # value: round id
CHECKLIST_ANSWER = "checklist.answer"  # value: "<round>:<point>:<answer>"
CHECKLIST_GOTO = "checklist.goto"  # value: "<round>:<point>" — show that point (back / next)
CHECKLIST_NOTE = "checklist.note"  # value: "<round>:<point>" — opens the note modal
CHECKLIST_PAUSE = "checklist.pause"  # value: "<round>:<point>"
CHECKLIST_TALENT = "checklist.talent"  # value: "" — opens the talent nomination modal
CHECKLIST_RECOMMEND = "checklist.recommend"  # value: "" — opens the recommend-a-network modal
CHECKLIST_INTEREST = "checklist.interest"  # value: "" — sends the networks' latest now
CHECKLIST_PRESENT = "checklist.present"  # value: "" — opens the department-meeting invitation
CHECKLIST_RECOGNISE = "checklist.recognise"  # value: "" — opens the recognition modal
CHECKLIST_PULS = "checklist.puls"  # value: "<round>:<point>" — opens the PULS note modal
RECOMMEND_YES = "recommend.yes"  # value: recommendation id — the employee wants to join
RECOMMEND_NO = "recommend.no"  # value: recommendation id
RECOMMEND_ADD = "recommend.add"  # value: recommendation id — the network leader adds them
PRESENT_YES = "present.yes"  # value: recommendation id
PRESENT_NO = "present.no"  # value: recommendation id
CHECKLIST_NOTE_FORM = "checklist.note_form"
TALENT_FORM = "checklist.talent_form"
RECOMMEND_FORM = "checklist.recommend_form"
PRESENT_FORM = "checklist.present_form"
RECOGNISE_FORM = "checklist.recognise_form"
PULS_NOTE_FORM = "checklist.puls_form"

# Every button whose click opens a form (Slack: views_open). Teams cannot open a dialog from an
# `Action.Execute`, so its renderer makes these `Action.Submit` with `task/fetch` instead; the
# handlers that open forms are checked against this set (tests/test_opens_form.py).
OPENS_FORM: frozenset[str] = frozenset(
    {
        BOOKING_OPEN,
        BOOKING_COUNTER,
        BOOKING_RESCHEDULE,
        AGREEMENT_OPEN,
        THEME_OPEN,
        NETWORK_NEW,
        NETWORK_EDIT,
        SECRETARIAT_ROLE_OPEN,
        ERASE_OPEN,
        RESULT_OPEN,
        RESULT_FOLLOW_UP,
        DEPARTMENT_OPEN,
        OPEN_CALL_OPEN,
        CHECKLIST_NOTE,
        CHECKLIST_TALENT,
        CHECKLIST_RECOMMEND,
        CHECKLIST_PRESENT,
        CHECKLIST_RECOGNISE,
        CHECKLIST_PULS,
    }
)

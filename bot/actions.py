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

"""The scheduler: APScheduler fires ticks; each tick runs the planner (derive what is due into the
outbox) and delivery (send what the outbox holds). DESIGN.md §3."""

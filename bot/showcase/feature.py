"""Results, recognition and open networks, declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature, HomeSlot
from bot.showcase import commands, home, privacy, rules
from storage.showcase_models import ChannelPost, JoinRequest, NetworkResult, OpenCall, Recognition


def feature() -> Feature:
    return Feature(
        name="showcase",
        tables=(NetworkResult, ChannelPost, Recognition, OpenCall, JoinRequest),
        rules=(
            ("recognition_nudge", rules.recognition_rule),
            ("result_digest", rules.digest_rule),
            ("showcase_undelivered", rules.undelivered_rule),
        ),
        builders={
            "recognition_nudge": rules.recognition_nudge,
            "result_digest": rules.result_digest,
            "showcase_undelivered": rules.undelivered,
        },
        home=(
            (HomeSlot.MY_NETWORKS, home.my_results),
            (HomeSlot.SECRETARIAT, home.secretariat_results),
        ),
        erasers={
            "network_results": privacy.erase_results,
            "result_recognitions": privacy.erase_recognitions,
            "open_calls": privacy.erase_open_calls,
            "join_requests": privacy.erase_join_requests,
        },
        retention={"showcase_drafts": privacy.purge_drafts},
        commands=(commands.RESULT, commands.OPEN_CALL),
    )

"""POST /api/v1/conversions, served by tracker/links and described here.

The shop reports orders with the campaign's conversion secret, not an API token, and the
links blueprint validates the body with its own models; the document is built from those
same models so it cannot drift from them.
"""

from __future__ import annotations

from ..links.schemas import ConversionRequest, ConversionResponse
from .blueprint import api
from .registry import Operation, Success

api.document_external(
    Operation(
        method="POST",
        rule="/conversions",
        endpoint="record_conversion",
        summary="Record an order reported by the shop (authenticated by the conversion secret)",
        tag="conversions",
        description="Send the campaign's conversion secret as `Authorization: Bearer <secret>` "
        "or `X-Tracker-Secret` (shown on the campaign's Tracked links page); an API token is "
        "not accepted here. The order is attributed by promo code, else by the click id "
        "(the landing URL's signed `tclid`, sent unchanged). The same order id twice records "
        "it once: the second answer is 200 with `duplicate: true`. Errors are the API's "
        "`{error, message, fields}`.",
        body=ConversionRequest,
        response=ConversionResponse,
        status=201,
        other_successes={200: Success("Already recorded: the first record, with duplicate: true")},
        public=True,
        security=[{"conversionSecret": []}, {"conversionSecretHeader": []}],
        extra_responses={
            401: "No conversion secret, or an unknown one.",
            413: "The body is too large.",
        },
    )
)

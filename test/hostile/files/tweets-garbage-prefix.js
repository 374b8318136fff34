window.YTD.tweets.part0 = /* exported 2026-10-01 */ [ {
  "tweet" : {
    "id_str" : "1826254713960000000",
    "created_at" : "Wed Aug 21 14:05:12 +0000 2024",
    "full_text" : "Highway 97 reopened at Summerland after the rockslide.",
    "entities" : { "hashtags" : [ ], "user_mentions" : [ ], "urls" : [ ] }
  }
} ]

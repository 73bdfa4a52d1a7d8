-- Up Migration

-- docs/coordination.md, "Closures": the radar closures every plan reads, the radar reflex first among
-- them, without asking another workflow. One row per 20 MHz channel of one AP's radio in its
-- Non-Occupancy Period (ending at `until`), with the detection that closed it and, for a neighbour's
-- closure, the AP that heard the radar. A later detection extends a row, never shortens it.
CREATE TABLE channel_closures (
  ap_id text NOT NULL,
  radio text NOT NULL,
  channel integer NOT NULL,
  until timestamptz NOT NULL,
  closed_by text NOT NULL,
  heard_by text,
  PRIMARY KEY (ap_id, radio, channel)
);

-- Down Migration

DROP TABLE channel_closures;

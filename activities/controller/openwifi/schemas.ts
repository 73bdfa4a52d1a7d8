// What the OpenWiFi adapter reads from owgw and owsec, checked against the shapes their API
// specifies (owgw.yaml, the uCentral configuration and state schemas). Only the fields the loop
// uses are required; anything else a gateway sends is let through untouched (a newer firmware's
// fields must not break the loop), and what a field must be is said in the error.
import { z } from 'zod';
import { RADIOS, WIDTHS } from '../../../domain/regulatory';
import { ControllerError } from '../port';

const int = z.number().int();

/** owsec's `POST /oauth2` answer. */
export const TokenSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  created: z.number().optional(),
});

/** One `radios[]` entry of a uCentral configuration. */
export const ConfiguredRadioSchema = z.looseObject({
  band: z.string(),
  channel: z.union([int, z.literal('auto')]).optional(),
  'channel-width': int.optional(),
  'tx-power': int.optional(),
  'maximum-clients': int.optional(),
  enable: z.boolean().optional(),
  country: z.string().optional(),
  'hostapd-iface-raw': z.array(z.string()).optional(),
});
export type ConfiguredRadio = z.infer<typeof ConfiguredRadioSchema>;

/**
 * The loop's own mark in the configuration's `third-party` section: the change id of the last step
 * it applied and, for a radio step, the radio's settings before it (what a retried move reports).
 */
export const ChangeMarkSchema = z.object({
  changeId: z.string(),
  radio: z.enum(RADIOS).optional(),
  from: z
    .object({
      channel: int,
      width: z.union(WIDTHS.map((w) => z.literal(w))),
      txPowerDbm: z.number(),
      obssPdDbm: z.number(),
      admissionCap: int.nullable(),
    })
    .optional(),
});
export type ChangeMark = z.infer<typeof ChangeMarkSchema>;

export const ConfigurationSchema = z.looseObject({
  uuid: int.optional(),
  radios: z.array(ConfiguredRadioSchema).default([]),
  metrics: z
    .looseObject({ statistics: z.looseObject({ interval: z.number().positive().optional() }).optional() })
    .optional(),
});
export type Configuration = z.infer<typeof ConfigurationSchema>;

/** `GET /device/{serialNumber}`: the record the gateway keeps (its configuration is an object). */
export const DeviceSchema = z.looseObject({
  serialNumber: z.string(),
  UUID: int,
  configuration: ConfigurationSchema,
  pendingUUID: int.optional(),
  pendingConfiguration: z.string().optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

/** `GET /device/{serialNumber}/status`: just `{ serialNumber, connected: false }` for an offline device. */
export const StatusSchema = z.looseObject({
  connected: z.boolean(),
  UUID: int.optional(),
  associations_2G: int.optional(),
  associations_5G: int.optional(),
  associations_6G: int.optional(),
});

export const DevicesWithStatusSchema = z.looseObject({
  devicesWithStatus: z.array(DeviceSchema.extend({ connected: z.boolean() })),
});

const counters = z.looseObject({
  tx_packets: z.number().nonnegative().default(0),
  tx_retries: z.number().nonnegative().default(0),
  tx_failed: z.number().nonnegative().default(0),
  tx_bytes: z.number().nonnegative().default(0),
  rx_bytes: z.number().nonnegative().default(0),
});

export const AssociationSchema = z.looseObject({
  station: z.string(),
  rssi: z.number(),
  connected: z.number().optional(),
  tx_packets: z.number().nonnegative().default(0),
  tx_retries: z.number().nonnegative().default(0),
  tx_failed: z.number().nonnegative().default(0),
});
export type Association = z.infer<typeof AssociationSchema>;

export const SsidStateSchema = z.looseObject({
  bssid: z.string().optional(),
  band: z.string().optional(),
  // The device writes a JSON reference to its radio: { "$ref": "#/radios/1" }.
  radio: z.looseObject({ $ref: z.string().regex(/^#\/radios\/\d+$/) }).optional(),
  associations: z.array(AssociationSchema).default([]),
  delta_counters: counters.optional(),
});
export type SsidState = z.infer<typeof SsidStateSchema>;

export const RadioStateSchema = z.looseObject({
  channel: z.number(),
  channel_width: z.coerce.number().optional(),
  tx_power: z.number().optional(),
  chanUtil: z.number().optional(),
  band: z.array(z.string()).optional(),
  survey: z
    .array(
      z.looseObject({
        frequency: z.number(),
        time: z.number().nonnegative(),
        busy: z.number().nonnegative(),
        time_rx: z.number().nonnegative().default(0),
        time_tx: z.number().nonnegative().default(0),
      }),
    )
    .default([]),
});

/** A uCentral state report. */
export const StateSchema = z.looseObject({
  radios: z.array(RadioStateSchema).default([]),
  interfaces: z.array(z.looseObject({ ssids: z.array(SsidStateSchema).default([]) })).default([]),
});
export type State = z.infer<typeof StateSchema>;

/** `GET /device/{serialNumber}/statistics?newest=true`: newest first. */
export const StatisticsSchema = z.looseObject({
  data: z.array(z.looseObject({ data: StateSchema, recorded: z.number().optional() })),
});

/** The device's answer to a command, as the gateway's command record carries it. */
export const CommandSchema = z.looseObject({
  UUID: z.string(),
  command: z.string().optional(),
  status: z.string(),
  errorCode: int.optional(),
  errorText: z.string().optional(),
  results: z.looseObject({}).default({}),
});

export const ConfigureResultsSchema = z.looseObject({
  uuid: int.optional(),
  status: z.looseObject({
    error: int,
    text: z.string().optional(),
    rejected: z
      .array(
        z.looseObject({
          parameter: z.string(),
          reason: z.string().optional(),
          substitution: z.unknown().optional(),
        }),
      )
      .default([]),
  }),
});

export const ScanEntrySchema = z.looseObject({
  bssid: z.string(),
  channel: int,
  frequency: z.number().optional(),
  signal: z.number(),
});
export type ScanEntry = z.infer<typeof ScanEntrySchema>;

export const ScanResultsSchema = z.looseObject({
  status: z.looseObject({ error: int, scan: z.array(ScanEntrySchema).default([]) }),
});

export const CommandListSchema = z.looseObject({ commands: z.array(CommandSchema) });

export const DeviceLogsSchema = z.looseObject({
  values: z.array(z.looseObject({ log: z.string(), recorded: z.number() })).default([]),
});

/** The gateway's answer to `what`, checked; a mismatch is a protocol error naming the field. */
export function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
  throw new ControllerError(
    'ControllerProtocol',
    `OpenWiFi gateway: ${what} answered with an unexpected shape: ${field}: ${issue.message}`,
    { field },
  );
}

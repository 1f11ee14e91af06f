// Package testpayer is claimgate's built-in test payer: a clearinghouse and
// the payers behind it, played from a configuration file (Config; the demo
// uses DefaultConfig), so that the whole revenue cycle runs on a laptop and
// the end-to-end tests have someone to bill.
//
// It reads our 837s and answers as payers do:
//
//   - a 999 for every file (package x12/ack), rejecting transaction sets our
//     validator (x12/validate) finds broken;
//   - a 277CA for every 837 the 999 accepts, with each claim accepted into
//     adjudication (A2:20) or rejected at the front end: claim charge not
//     the sum of its lines (A7:400), payer not played
//     (A3:21:PR), billing NPI not on file (A7:562:85), member not on the
//     roster (A3:33:IL), no coverage on the dates of service (A3:88:IL), or a
//     replacement or void of a claim not on file (A3:35:PR);
//   - after the payer's days-to-pay (Advance), an 835 for each payer, payee
//     and pay date that balances by construction: paid at the fee schedule
//     with CO-45, patient responsibility as PR-1/PR-2/PR-3 from the member's
//     deductible, coinsurance and copay (capped by the out-of-pocket maximum),
//     and the denials each claim earns: OA-18 duplicate, CO-29 past the
//     filing limit, CO-22 another payer primary (billed again as secondary
//     with the primary's payment, the claim is paid less it, OA-23), CO-16
//     with a RARC naming
//     what is missing (N290 rendering provider, M53 units), CO-26/CO-27
//     service before coverage or after it ended, CO-197 no authorization on
//     file, CO-50 diagnosis not supporting the service (RARC N115 or the
//     coverage rule's), CO-97 (M15) and CO-236 bundled pairs, CO-204 not on
//     the fee schedule; occasional underpayments against the payer's own fee
//     schedule (seeded), which a payer with correction days reverses and
//     pays again in full later; reversals (CLP02 22) for replacement and
//     void claims;
//     and provider-level adjustments: interest (PLB L6) past the prompt-pay
//     days, a forwarding balance (FB) when reversals exceed a payment and its
//     recovery (WO) from the next;
//   - 271 answers to 270s, 277 answers to 276s and 278 answers to 278
//     requests (a certification is put on file and pays the claims it
//     covers).
//
// Every decision is a function of the claims received, in order, the
// payer's configuration, the received dates and the seed, and carries its
// reasons (Decision, Adjustment.Why, ClaimAck.Why): the same input and
// seed give byte-identical output. Everything it writes passes our own X12
// validator.
//
// HandleBatch, Advance, Eligibility, ClaimStatus and Authorization are the
// payer as functions over bytes. Mailbox runs it against the mailbox folder
// of package clearinghouse (outbound/ in, inbound/ out), and Serve (or
// RealTime) plugs it in as the clearinghouse's real-time transport.
package testpayer

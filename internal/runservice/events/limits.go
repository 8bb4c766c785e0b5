package events

import "errors"

// Limits of PutEvents. The request holds 1 to 10 entries whose total size is
// at most 256 KiB, counted as "Calculating PutEvents event entry size" in the
// EventBridge user guide says
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html):
// 14 bytes for a Time, plus the UTF-8 bytes of Source, DetailType, Detail and
// every Resources ARN.
const (
	MaxEntries        = 10
	MaxEntriesBytes   = 256 * 1024
	timeEntryBytes    = 14
	totalSizeExceeded = "Total size of the entries in the request is over the limit."
)

// ErrEntriesTooLarge is Put's answer to entries over MaxEntriesBytes: AWS
// fails the whole request (ValidationException) and stores none of them.
//
//lint:ignore ST1005 EventBridge's own message, word for word
var ErrEntriesTooLarge = errors.New(totalSizeExceeded)

// EntriesSize is the size of entries as EventBridge counts it.
func EntriesSize(entries []Entry) int {
	n := 0
	for _, e := range entries {
		if e.Time != nil || !e.When.IsZero() {
			n += timeEntryBytes
		}
		n += len(e.Source) + len(e.DetailType) + len(e.Detail)
		for _, r := range e.Resources {
			n += len(r)
		}
	}
	return n
}

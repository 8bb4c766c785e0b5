package asl

import "errors"

var errNotImplemented = errors.New("asl: not implemented yet")

func Parse(definition []byte) (*StateMachine, error) { return nil, errNotImplemented }

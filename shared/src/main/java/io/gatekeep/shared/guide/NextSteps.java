package io.gatekeep.shared.guide;

/** The next step for Single Sign-On and for Directory Sync; each is null when nothing is stuck. */
public record NextSteps(NextStep sso, NextStep directorySync) {}

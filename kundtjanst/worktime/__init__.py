"""The municipality's office hours, closed days and shortened days, as administered
at /admin/arbetstid, turned into the pure `workingtime.Calendar`."""

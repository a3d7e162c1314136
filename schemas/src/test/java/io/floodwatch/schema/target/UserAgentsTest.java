package io.floodwatch.schema.target;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserAgentsTest {

    @Test
    void shouldTakeLibrariesToolsAndMissingAgentsForScriptsWhenClassifying() {
        // Given / When / Then
        assertTrue(UserAgents.isScripted("python-requests/2.32.3"));
        assertTrue(UserAgents.isScripted("Go-http-client/2.0"));
        assertTrue(UserAgents.isScripted("curl/8.5.0"));
        assertTrue(UserAgents.isScripted("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0"));
        assertTrue(UserAgents.isScripted(""));
        assertTrue(UserAgents.isScripted(null));
    }

    @Test
    void shouldTakeBrowsersAndAppsForPeopleWhenClassifying() {
        // Given / When / Then
        assertFalse(UserAgents.isScripted("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"));
        assertFalse(UserAgents.isScripted("DeepChat/1.4.2 (Android 14; SM-S918B)"));
    }

    @Test
    void shouldOnlyScanTheStartWhenTheAgentIsHuge() {
        // Given a script's name hidden after the scanned prefix
        String padded = "Mozilla/5.0 " + "x".repeat(UserAgents.SCANNED) + " curl/8.5.0";

        // When / Then
        assertFalse(UserAgents.isScripted(padded));
    }
}

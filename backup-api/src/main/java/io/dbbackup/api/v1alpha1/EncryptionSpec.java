package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** OpenPGP encryption: public keys (recommended) or a passphrase, not both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.publicKeysSecretRef) != has(self.passphraseSecretRef)",
    message = "encryption: set exactly one of publicKeysSecretRef or passphraseSecretRef")
public class EncryptionSpec {
  @JsonPropertyDescription(
      "Secret whose every key is one ASCII-armored OpenPGP public key; all are recipients.")
  private SecretRef publicKeysSecretRef;

  @JsonPropertyDescription("Secret key holding a passphrase for symmetric encryption.")
  private SecretKeyRef passphraseSecretRef;

  public SecretRef getPublicKeysSecretRef() {
    return publicKeysSecretRef;
  }

  public void setPublicKeysSecretRef(SecretRef publicKeysSecretRef) {
    this.publicKeysSecretRef = publicKeysSecretRef;
  }

  public SecretKeyRef getPassphraseSecretRef() {
    return passphraseSecretRef;
  }

  public void setPassphraseSecretRef(SecretKeyRef passphraseSecretRef) {
    this.passphraseSecretRef = passphraseSecretRef;
  }
}
